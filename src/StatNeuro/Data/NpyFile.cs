using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace StatNeuro.Data;

/// <summary>
/// NumPy .npy files (format versions 1–3): 2-D arrays of bool, int8, uint8, int16, int32, int64, float32 or
/// float64, C or Fortran order, read into a <see cref="NumericMatrix"/>; rasters written as uint8 0/1 or int8 ±1.
/// </summary>
/// <remarks>Format: the NumPy enhancement proposal NEP 1 ("A simple file format for NumPy arrays").</remarks>
public static class NpyFile
{
    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a 1-D or 2-D array (a 1-D array becomes one column).</summary>
    /// <param name="path">File path (named in error messages).</param>
    /// <returns>The matrix, row-major.</returns>
    /// <exception cref="RasterFormatException">Not an .npy file, unsupported dtype or shape.</exception>
    public static NumericMatrix Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(s_magic))
        {
            throw new RasterFormatException($"{path}: not a NumPy .npy file (missing the \\x93NUMPY magic); save it with numpy.save.");
        }

        int major = bytes[6];
        int headerLength, offset;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            offset = 10;
        }
        else
        {
            headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
            offset = 12;
        }

        if (offset + headerLength > bytes.Length)
        {
            throw new RasterFormatException($"{path}: truncated .npy header.");
        }

        string header = Encoding.Latin1.GetString(bytes, offset, headerLength);
        string descr = HeaderValue(header, "descr", path).Trim().Trim('\'', '"');
        bool fortran = HeaderValue(header, "fortran_order", path).Trim().StartsWith("True", StringComparison.Ordinal);
        string shapeText = HeaderValue(header, "shape", path).Trim().TrimStart('(').TrimEnd(')');
        var dims = new List<long>();
        foreach (string part in shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            dims.Add(long.Parse(part.TrimEnd('L'), CultureInfo.InvariantCulture));
        }

        if (dims.Count is < 1 or > 2)
        {
            throw new RasterFormatException($"{path}: array has {dims.Count} dimensions; a raster must be 1-D or 2-D (time x neurons).");
        }

        int rows = (int)dims[0], cols = dims.Count == 2 ? (int)dims[1] : 1;
        long count = (long)rows * cols;
        int dataOffset = offset + headerLength;
        char endian = descr[0];
        string kind = descr[1..];
        if (endian == '>')
        {
            throw new RasterFormatException($"{path}: big-endian dtype '{descr}' is not supported; convert with arr.astype('<{kind}').");
        }

        int size = kind switch
        {
            "b1" or "u1" or "i1" => 1,
            "i2" => 2,
            "i4" or "f4" => 4,
            "i8" or "f8" => 8,
            _ => throw new RasterFormatException($"{path}: dtype '{descr}' is not supported; use bool, int8, uint8, int16, int32, int64, float32 or float64."),
        };
        if (dataOffset + count * size > bytes.Length)
        {
            throw new RasterFormatException($"{path}: file holds fewer values than its shape ({rows} x {cols}) says.");
        }

        var values = new double[count];
        ReadOnlySpan<byte> data = bytes.AsSpan(dataOffset);
        for (long k = 0; k < count; k++)
        {
            ReadOnlySpan<byte> b = data.Slice((int)(k * size), size);
            double v = kind switch
            {
                "b1" or "u1" => b[0],
                "i1" => (sbyte)b[0],
                "i2" => BinaryPrimitives.ReadInt16LittleEndian(b),
                "i4" => BinaryPrimitives.ReadInt32LittleEndian(b),
                "i8" => BinaryPrimitives.ReadInt64LittleEndian(b),
                "f4" => BinaryPrimitives.ReadSingleLittleEndian(b),
                _ => BinaryPrimitives.ReadDoubleLittleEndian(b),
            };
            long target = fortran ? (k % rows) * cols + k / rows : k;
            values[target] = v;
        }

        return new NumericMatrix(rows, cols, values);
    }

    private static string HeaderValue(string header, string key, string path)
    {
        int at = header.IndexOf("'" + key + "'", StringComparison.Ordinal);
        if (at < 0)
        {
            throw new RasterFormatException($"{path}: .npy header lacks '{key}'.");
        }

        int colon = header.IndexOf(':', at);
        int end = key == "shape" ? header.IndexOf(')', colon) + 1 : header.IndexOf(',', colon);
        if (end <= 0)
        {
            end = header.IndexOf('}', colon);
        }

        return header[(colon + 1)..end];
    }

    /// <summary>Writes a raster as a 2-D (time × neurons) .npy array.</summary>
    /// <param name="path">Output path.</param>
    /// <param name="raster">The raster.</param>
    /// <param name="binary">True: uint8 0/1 (0 = spin −1); false: int8 −1/+1.</param>
    public static void Write(string path, SpinRaster raster, bool binary = true)
    {
        ArgumentNullException.ThrowIfNull(raster);
        var data = new byte[raster.Spins.Length];
        ReadOnlySpan<sbyte> s = raster.Spins;
        for (int k = 0; k < data.Length; k++)
        {
            data[k] = binary ? (byte)(s[k] > 0 ? 1 : 0) : (byte)s[k];
        }

        WriteRaw(path, binary ? "|u1" : "|i1", raster.TimeBins, raster.NeuronCount, data);
    }

    /// <summary>Writes a row-major matrix of doubles as a float64 .npy array.</summary>
    /// <param name="path">Output path.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="columns">Columns.</param>
    /// <param name="values">Row-major values.</param>
    public static void Write(string path, int rows, int columns, ReadOnlySpan<double> values)
    {
        var data = new byte[values.Length * 8];
        for (int k = 0; k < values.Length; k++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(k * 8), values[k]);
        }

        WriteRaw(path, "<f8", rows, columns, data);
    }

    private static void WriteRaw(string path, string descr, int rows, int columns, byte[] data)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, {columns}), }}";
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        using var stream = File.Create(path);
        stream.Write(s_magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(data);
    }
}
