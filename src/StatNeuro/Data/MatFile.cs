using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace StatNeuro.Data;

/// <summary>One numeric variable of a MATLAB file: its name, MATLAB class and dimensions, values column-major.</summary>
/// <param name="Name">Variable name.</param>
/// <param name="ClassName">MATLAB class (double, single, uint8, logical, ...).</param>
/// <param name="Dimensions">Dimensions as stored (MATLAB order).</param>
/// <param name="Values">Real values, column-major (first index fastest), converted to double.</param>
public sealed record MatVariable(string Name, string ClassName, int[] Dimensions, double[] Values)
{
    /// <summary>The variable as a row-major matrix (2-D only).</summary>
    /// <returns>Rows = first MATLAB dimension.</returns>
    public NumericMatrix ToMatrix()
    {
        if (Dimensions.Length != 2)
        {
            throw new RasterFormatException($"variable '{Name}' has {Dimensions.Length} dimensions; a raster must be a 2-D matrix.");
        }

        int rows = Dimensions[0], cols = Dimensions[1];
        var v = new double[Values.Length];
        for (int c = 0; c < cols; c++)
        {
            for (int r = 0; r < rows; r++)
            {
                v[(long)r * cols + c] = Values[(long)c * rows + r];
            }
        }

        return new NumericMatrix(rows, cols, v);
    }
}

/// <summary>
/// Reader for MATLAB level-5 MAT-files (MATLAB 5.0 up to v7, little or big endian), including compressed
/// (miCOMPRESSED, zlib) elements. Reads every real numeric or logical array at the top level; cell arrays,
/// structs, sparse and complex arrays are skipped. v7.3 files are HDF5 and are rejected with a hint.
/// </summary>
/// <remarks>
/// Layout from "MAT-File Format" (The MathWorks, MATLAB 7 documentation, 2011): a 128-byte header (text,
/// subsystem offset, version 0x0100, endian indicator "IM"), then data elements with an 8-byte tag (type,
/// byte count) or a 4-byte "small element" tag, padded to 8 bytes; miMATRIX (14) holds array flags, dimensions,
/// name and the real part; miCOMPRESSED (15) holds one zlib-compressed element.
/// </remarks>
public static class MatFile
{
    private const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6, MiSingle = 7,
        MiDouble = 9, MiInt64 = 12, MiUInt64 = 13, MiMatrix = 14, MiCompressed = 15;

    private static readonly string[] s_classNames =
        ["?", "cell", "struct", "object", "char", "sparse", "double", "single", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"];

    /// <summary>Reads all numeric variables of a MAT-file.</summary>
    /// <param name="path">File path (named in error messages).</param>
    /// <returns>The variables in file order.</returns>
    /// <exception cref="RasterFormatException">Not a level-5 MAT-file, or corrupt.</exception>
    public static IReadOnlyList<MatVariable> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 8 && bytes.AsSpan(0, 8).SequenceEqual("\x89HDF\r\n\x1a\n"u8) ||
            (bytes.Length >= 520 && bytes.AsSpan(512, 4).SequenceEqual("\x89HDF"u8)))
        {
            throw new RasterFormatException($"{path}: MATLAB v7.3 (HDF5) file; save it with save(..., '-v7') or export to .npy.");
        }

        if (bytes.Length < 128)
        {
            throw new RasterFormatException($"{path}: too short for a MATLAB level-5 MAT-file (needs a 128-byte header).");
        }

        bool little;
        if (bytes[126] == (byte)'I' && bytes[127] == (byte)'M')
        {
            little = true;
        }
        else if (bytes[126] == (byte)'M' && bytes[127] == (byte)'I')
        {
            little = false;
        }
        else
        {
            throw new RasterFormatException($"{path}: not a MATLAB level-5 MAT-file (no 'IM'/'MI' endian indicator at byte 126).");
        }

        var result = new List<MatVariable>();
        try
        {
            ReadElements(bytes.AsSpan(128), little, path, result);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            throw new RasterFormatException($"{path}: corrupt MAT-file ({ex.Message}).", ex);
        }

        return result;
    }

    private static void ReadElements(ReadOnlySpan<byte> data, bool little, string path, List<MatVariable> result)
    {
        int pos = 0;
        while (pos + 8 <= data.Length)
        {
            (int type, int size, int headerBytes) = ReadTag(data[pos..], little);
            int start = pos + headerBytes;
            if (start + size > data.Length)
            {
                throw new RasterFormatException($"{path}: element at byte {128 + pos} claims {size} bytes, past the end of the file.");
            }

            ReadOnlySpan<byte> body = data.Slice(start, size);
            if (type == MiCompressed)
            {
                byte[] inflated = Inflate(body);
                ReadElements(inflated, little, path, result);
                pos = start + size;
            }
            else
            {
                if (type == MiMatrix && size > 0)
                {
                    MatVariable? v = ReadMatrix(body, little, path);
                    if (v is not null)
                    {
                        result.Add(v);
                    }
                }

                pos = headerBytes == 4 ? pos + 8 : start + ((size + 7) & ~7);
            }
        }
    }

    private static byte[] Inflate(ReadOnlySpan<byte> compressed)
    {
        using var input = new MemoryStream(compressed.ToArray());
        using var z = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        z.CopyTo(output);
        return output.ToArray();
    }

    private static (int Type, int Size, int HeaderBytes) ReadTag(ReadOnlySpan<byte> d, bool little)
    {
        uint first = little ? BinaryPrimitives.ReadUInt32LittleEndian(d) : BinaryPrimitives.ReadUInt32BigEndian(d);
        if ((first >> 16) != 0)
        {
            return ((int)(first & 0xFFFF), (int)(first >> 16), 4);
        }

        uint size = little ? BinaryPrimitives.ReadUInt32LittleEndian(d[4..]) : BinaryPrimitives.ReadUInt32BigEndian(d[4..]);
        return ((int)first, checked((int)size), 8);
    }

    private static MatVariable? ReadMatrix(ReadOnlySpan<byte> body, bool little, string path)
    {
        int pos = 0;
        var parts = new List<(int Type, byte[] Data)>();
        while (pos + 8 <= body.Length)
        {
            (int type, int size, int headerBytes) = ReadTag(body[pos..], little);
            int start = pos + headerBytes;
            parts.Add((type, body.Slice(start, size).ToArray()));
            pos = headerBytes == 4 ? pos + 8 : start + ((size + 7) & ~7);
            if (parts.Count == 4)
            {
                break;
            }
        }

        if (parts.Count < 3)
        {
            throw new RasterFormatException($"{path}: miMATRIX element without flags, dimensions and name.");
        }

        uint flags = ToUInt32(parts[0].Data, little);
        int matlabClass = (int)(flags & 0xFF);
        bool complex = (flags & 0x800) != 0;
        bool logical = (flags & 0x200) != 0;
        int[] dims = ToInts(parts[1].Type, parts[1].Data, little);
        string name = Encoding.ASCII.GetString(parts[2].Data);
        if (matlabClass is < 6 or > 15 || complex || parts.Count < 4)
        {
            return null;
        }

        double[] values = ToDoubles(parts[3].Type, parts[3].Data, little, path, name);
        long expected = 1;
        foreach (int dd in dims)
        {
            expected *= dd;
        }

        if (values.Length != expected)
        {
            throw new RasterFormatException($"{path}: variable '{name}' has {values.Length} values but dimensions {string.Join('x', dims)}.");
        }

        return new MatVariable(name, logical ? "logical" : s_classNames[matlabClass], dims, values);
    }

    private static uint ToUInt32(byte[] d, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(d) : BinaryPrimitives.ReadUInt32BigEndian(d);

    private static int[] ToInts(int type, byte[] d, bool little)
    {
        if (type != MiInt32)
        {
            throw new RasterFormatException($"dimensions stored as type {type}, expected miINT32.");
        }

        var r = new int[d.Length / 4];
        for (int k = 0; k < r.Length; k++)
        {
            r[k] = little ? BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(4 * k)) : BinaryPrimitives.ReadInt32BigEndian(d.AsSpan(4 * k));
        }

        return r;
    }

    private static double[] ToDoubles(int type, byte[] d, bool little, string path, string name)
    {
        int size = type switch
        {
            MiInt8 or MiUInt8 => 1,
            MiInt16 or MiUInt16 => 2,
            MiInt32 or MiUInt32 or MiSingle => 4,
            MiDouble or MiInt64 or MiUInt64 => 8,
            _ => throw new RasterFormatException($"{path}: variable '{name}' stores its values as data type {type}, which is not numeric."),
        };
        var r = new double[d.Length / size];
        ReadOnlySpan<byte> s = d;
        for (int k = 0; k < r.Length; k++)
        {
            ReadOnlySpan<byte> b = s.Slice(k * size, size);
            r[k] = type switch
            {
                MiInt8 => (sbyte)b[0],
                MiUInt8 => b[0],
                MiInt16 => little ? BinaryPrimitives.ReadInt16LittleEndian(b) : BinaryPrimitives.ReadInt16BigEndian(b),
                MiUInt16 => little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b),
                MiInt32 => little ? BinaryPrimitives.ReadInt32LittleEndian(b) : BinaryPrimitives.ReadInt32BigEndian(b),
                MiUInt32 => little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b),
                MiSingle => little ? BinaryPrimitives.ReadSingleLittleEndian(b) : BinaryPrimitives.ReadSingleBigEndian(b),
                MiInt64 => little ? BinaryPrimitives.ReadInt64LittleEndian(b) : BinaryPrimitives.ReadInt64BigEndian(b),
                MiUInt64 => little ? BinaryPrimitives.ReadUInt64LittleEndian(b) : BinaryPrimitives.ReadUInt64BigEndian(b),
                _ => little ? BinaryPrimitives.ReadDoubleLittleEndian(b) : BinaryPrimitives.ReadDoubleBigEndian(b),
            };
        }

        return r;
    }
}
