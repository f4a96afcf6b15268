using System.Globalization;
using System.Text;

namespace StatNeuro.Data;

/// <summary>
/// Plain-text binary rasters: numbers separated by whitespace or commas, one row per line, <c>#</c> starts a
/// comment, blank lines are skipped. Values are all 0/1 (0 = spin −1) or all −1/+1; mixing 0 with −1 is an error.
/// </summary>
public static class RasterText
{
    /// <summary>Reads a text raster.</summary>
    /// <param name="path">File path (named in error messages).</param>
    /// <param name="layout">Whether rows are time bins (default) or neurons.</param>
    /// <returns>The spin raster, time × neurons, one segment.</returns>
    /// <exception cref="RasterFormatException">Ragged rows, a value other than 0, 1, −1, an empty file.</exception>
    public static SpinRaster Read(string path, RasterLayout layout = RasterLayout.TimeByNeurons)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Read(reader, path, layout);
    }

    /// <summary>Reads a text raster from a reader.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="name">Name used in error messages.</param>
    /// <param name="layout">Whether rows are time bins (default) or neurons.</param>
    /// <returns>The spin raster.</returns>
    public static SpinRaster Read(TextReader reader, string name, RasterLayout layout = RasterLayout.TimeByNeurons)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var values = new List<sbyte>();
        int columns = -1, rows = 0, lineNo = 0;
        bool sawZero = false, sawMinus = false;
        int zeroLine = 0, minusLine = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            string content = hash >= 0 ? line[..hash] : line;
            int count = 0, pos = 0;
            while (pos < content.Length)
            {
                while (pos < content.Length && (char.IsWhiteSpace(content[pos]) || content[pos] == ','))
                {
                    pos++;
                }

                if (pos >= content.Length)
                {
                    break;
                }

                int start = pos;
                while (pos < content.Length && !char.IsWhiteSpace(content[pos]) && content[pos] != ',')
                {
                    pos++;
                }

                ReadOnlySpan<char> token = content.AsSpan(start, pos - start);
                sbyte v;
                if (token is "1" or "+1" or "1.0")
                {
                    v = 1;
                }
                else if (token is "0" or "0.0" or "-0")
                {
                    v = 0;
                    if (!sawZero)
                    {
                        sawZero = true;
                        zeroLine = lineNo;
                    }
                }
                else if (token is "-1" or "-1.0")
                {
                    v = -1;
                    if (!sawMinus)
                    {
                        sawMinus = true;
                        minusLine = lineNo;
                    }
                }
                else
                {
                    throw new RasterFormatException($"{name}:{lineNo}:{start + 1}: value '{token}' is not 0, 1 or -1; a binary raster holds 0/1 or -1/+1 only.");
                }

                if (sawZero && sawMinus)
                {
                    throw new RasterFormatException($"{name}:{lineNo}:{start + 1}: mixes 0 (first on line {zeroLine}) and -1 (first on line {minusLine}); use either 0/1 or -1/+1 throughout.");
                }

                values.Add(v);
                count++;
            }

            if (count == 0)
            {
                continue;
            }

            if (columns < 0)
            {
                columns = count;
            }
            else if (count != columns)
            {
                throw new RasterFormatException($"{name}:{lineNo}: row has {count} values but the first row has {columns}; every row must have the same number of columns.");
            }

            rows++;
        }

        if (rows == 0)
        {
            throw new RasterFormatException($"{name}: no data rows (empty file or only comments); expected rows of 0/1 or -1/+1 values.");
        }

        var spins = new sbyte[values.Count];
        for (int k = 0; k < spins.Length; k++)
        {
            sbyte v = values[k];
            spins[k] = v == 0 ? (sbyte)-1 : v;
        }

        return layout == RasterLayout.TimeByNeurons
            ? new SpinRaster(rows, columns, spins)
            : new SpinRaster(columns, rows, Transpose(spins, rows, columns));
    }

    internal static sbyte[] Transpose(sbyte[] a, int rows, int columns)
    {
        var t = new sbyte[a.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                t[(long)c * rows + r] = a[(long)r * columns + c];
            }
        }

        return t;
    }

    /// <summary>Writes a raster as text, one time bin per line.</summary>
    /// <param name="path">Output path.</param>
    /// <param name="raster">The raster.</param>
    /// <param name="binary">True: 0/1 (0 = spin −1); false: −1/+1.</param>
    public static void Write(string path, SpinRaster raster, bool binary = true)
    {
        ArgumentNullException.ThrowIfNull(raster);
        var sb = new StringBuilder();
        for (int t = 0; t < raster.TimeBins; t++)
        {
            ReadOnlySpan<sbyte> row = raster.Row(t);
            for (int i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(binary ? (row[i] > 0 ? "1" : "0") : row[i].ToString(CultureInfo.InvariantCulture));
            }

            sb.Append('\n');
        }

        File.WriteAllText(path, sb.ToString());
    }
}
