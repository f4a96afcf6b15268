using System.Globalization;

namespace StatNeuro.Data;

/// <summary>
/// Reads a binary raster from any supported file (text, .npy, MATLAB .mat) into a <see cref="SpinRaster"/>,
/// checking that every value is 0/1 or ±1 (0 = spin −1).
/// </summary>
public static class RasterFile
{
    /// <summary>Reads a raster, choosing the reader by the file extension (.npy, .mat, anything else = text).</summary>
    /// <param name="path">File path.</param>
    /// <param name="layout">Row meaning of the stored matrix.</param>
    /// <param name="variable">For .mat: the variable name (null = the first numeric 2-D variable).</param>
    /// <returns>The raster (time × neurons, one segment).</returns>
    /// <exception cref="RasterFormatException">Unreadable file or values other than 0/1/±1.</exception>
    public static SpinRaster Read(string path, RasterLayout layout = RasterLayout.TimeByNeurons, string? variable = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new RasterFormatException($"{path}: file not found.");
        }

        string ext = Path.GetExtension(path).ToUpperInvariant();
        if (ext == ".NPY")
        {
            return ToRaster(NpyFile.Read(path), layout, path);
        }

        if (ext == ".MAT")
        {
            IReadOnlyList<MatVariable> vars = MatFile.Read(path);
            MatVariable? chosen = variable is null
                ? vars.FirstOrDefault(v => v.Dimensions.Length == 2 && v.Values.Length > 0)
                : vars.FirstOrDefault(v => v.Name == variable);
            if (chosen is null)
            {
                string names = vars.Count == 0 ? "none" : string.Join(", ", vars.Select(v => v.Name));
                throw new RasterFormatException(variable is null
                    ? $"{path}: no numeric 2-D matrix in the MAT-file (numeric variables: {names})."
                    : $"{path}: no numeric variable '{variable}' (numeric variables: {names}).");
            }

            return ToRaster(chosen.ToMatrix(), layout, $"{path} (variable '{chosen.Name}')");
        }

        return RasterText.Read(path, layout);
    }

    /// <summary>Converts a numeric matrix of 0/1 or ±1 values to spins.</summary>
    /// <param name="matrix">The matrix.</param>
    /// <param name="layout">Row meaning.</param>
    /// <param name="name">Name for error messages.</param>
    /// <returns>The raster.</returns>
    public static SpinRaster ToRaster(NumericMatrix matrix, RasterLayout layout, string name)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Values.Length == 0)
        {
            throw new RasterFormatException($"{name}: the matrix is empty.");
        }

        var spins = new sbyte[matrix.Values.Length];
        long firstZero = -1, firstMinus = -1;
        for (long k = 0; k < spins.Length; k++)
        {
            double v = matrix.Values[k];
            if (v == 1)
            {
                spins[k] = 1;
            }
            else if (v == 0 || v == -1)
            {
                spins[k] = -1;
                if (v == 0 && firstZero < 0)
                {
                    firstZero = k;
                }
                else if (v == -1 && firstMinus < 0)
                {
                    firstMinus = k;
                }
            }
            else
            {
                throw new RasterFormatException($"{name}: value {v.ToString(CultureInfo.InvariantCulture)} at row {k / matrix.Columns + 1}, column {k % matrix.Columns + 1} is not 0, 1 or -1.");
            }
        }

        if (firstZero >= 0 && firstMinus >= 0)
        {
            throw new RasterFormatException($"{name}: mixes 0 (row {firstZero / matrix.Columns + 1}) and -1 (row {firstMinus / matrix.Columns + 1}); use either 0/1 or -1/+1 throughout.");
        }

        return layout == RasterLayout.TimeByNeurons
            ? new SpinRaster(matrix.Rows, matrix.Columns, spins)
            : new SpinRaster(matrix.Columns, matrix.Rows, RasterText.Transpose(spins, matrix.Rows, matrix.Columns));
    }
}
