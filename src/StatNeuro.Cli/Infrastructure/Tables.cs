using System.Globalization;
using System.Text;

namespace StatNeuro.Cli.Infrastructure;

/// <summary>CSV writing with invariant, round-trippable number formatting.</summary>
internal static class Tables
{
    /// <summary>Formats a double so that it round-trips ("R"), invariant culture.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Writes a CSV with a header and equally long columns.</summary>
    public static void WriteCsv(string path, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<double>> columns)
    {
        int rows = columns.Count == 0 ? 0 : columns[0].Count;
        var sb = new StringBuilder();
        sb.AppendJoin(',', header).Append('\n');
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns.Count; c++)
            {
                if (c > 0)
                {
                    sb.Append(',');
                }

                sb.Append(Format(columns[c][r]));
            }

            sb.Append('\n');
        }

        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>Writes a matrix (rows × cols) as CSV without a header.</summary>
    public static void WriteMatrixCsv(string path, double[,] matrix)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < matrix.GetLength(0); i++)
        {
            for (int j = 0; j < matrix.GetLength(1); j++)
            {
                if (j > 0)
                {
                    sb.Append(',');
                }

                sb.Append(Format(matrix[i, j]));
            }

            sb.Append('\n');
        }

        File.WriteAllText(path, sb.ToString());
    }
}
