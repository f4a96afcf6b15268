using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using StatNeuro.Data;

namespace StatNeuro.Tests.Data;

public sealed class RasterReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("statneuro-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string text)
    {
        string p = Path.Combine(_dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    [Fact]
    public void Text_BinaryWithComments_MapsZeroToMinusOne()
    {
        string p = Write("a.txt", "# header\n0 1 1\n\n1,0,0 # trailing\n");
        SpinRaster r = RasterText.Read(p);
        Assert.Equal(2, r.TimeBins);
        Assert.Equal(3, r.NeuronCount);
        Assert.Equal<sbyte>([-1, 1, 1, 1, -1, -1], r.Spins.ToArray());
    }

    [Fact]
    public void Text_NeuronsByTime_IsTransposed()
    {
        string p = Write("b.txt", "-1 1 1 1\n1 -1 -1 1\n");
        SpinRaster r = RasterText.Read(p, RasterLayout.NeuronsByTime);
        Assert.Equal(4, r.TimeBins);
        Assert.Equal(2, r.NeuronCount);
        Assert.Equal(-1, r[0, 0]);
        Assert.Equal(1, r[0, 1]);
        Assert.Equal(1, r[3, 1]);
        Assert.Equal(-1, r[2, 1]);
    }

    [Theory]
    [InlineData("0 1\n1\n", ":2:", "same number of columns")]
    [InlineData("0 1\n1 2\n", ":2:3:", "not 0, 1 or -1")]
    [InlineData("# only a comment\n", ": no data rows", "")]
    [InlineData("0 1\n-1 1\n", ":2:1:", "mixes 0")]
    public void Text_BadInput_NamesFileLineAndColumn(string text, string where, string what)
    {
        string p = Write("bad.txt", text);
        var ex = Assert.Throws<RasterFormatException>(() => RasterText.Read(p));
        Assert.Contains("bad.txt" + where, ex.Message, StringComparison.Ordinal);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Npy_RoundTrip_BinaryAndSpin()
    {
        var r = new SpinRaster(3, 2, [1, -1, -1, -1, 1, 1]);
        foreach (bool binary in new[] { true, false })
        {
            string p = Path.Combine(_dir, $"r{binary}.npy");
            NpyFile.Write(p, r, binary);
            SpinRaster back = RasterFile.Read(p);
            Assert.Equal(r.Spins.ToArray(), back.Spins.ToArray());
        }
    }

    [Fact]
    public void Npy_Float64Matrix_RoundTripsValues()
    {
        string p = Path.Combine(_dir, "m.npy");
        double[] v = [0.5, -2, 3e-300, 7];
        NpyFile.Write(p, 2, 2, v);
        NumericMatrix m = NpyFile.Read(p);
        Assert.Equal(2, m.Rows);
        Assert.Equal(v, m.Values);
    }

    /// <summary>Builds a level-5 MAT-file by hand from the published layout (independent of the reader's code).</summary>
    private static byte[] MatBytes(string name, int rows, int cols, byte[] columnMajorUInt8, bool compress)
    {
        static void Tag(BinaryWriter w, int type, int size)
        {
            w.Write(type);
            w.Write(size);
        }

        static void Pad(BinaryWriter w, int size)
        {
            for (int k = size; k % 8 != 0; k++)
            {
                w.Write((byte)0);
            }
        }

        using var matrix = new MemoryStream();
        using (var w = new BinaryWriter(matrix, Encoding.ASCII, true))
        {
            byte[] nameBytes = Encoding.ASCII.GetBytes(name);
            int body = 16 + 16 + 8 + ((nameBytes.Length + 7) & ~7) + 8 + ((columnMajorUInt8.Length + 7) & ~7);
            Tag(w, 14, body);
            Tag(w, 6, 8);
            w.Write(6); // class double
            w.Write(0);
            Tag(w, 5, 8);
            w.Write(rows);
            w.Write(cols);
            Tag(w, 1, nameBytes.Length);
            w.Write(nameBytes);
            Pad(w, nameBytes.Length);
            Tag(w, 2, columnMajorUInt8.Length);
            w.Write(columnMajorUInt8);
            Pad(w, columnMajorUInt8.Length);
        }

        byte[] element = matrix.ToArray();
        using var file = new MemoryStream();
        byte[] header = new byte[128];
        Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, test").CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), 0x0100);
        header[126] = (byte)'I';
        header[127] = (byte)'M';
        file.Write(header);
        if (compress)
        {
            using var z = new MemoryStream();
            using (var zs = new ZLibStream(z, CompressionLevel.Optimal, true))
            {
                zs.Write(element);
            }

            byte[] c = z.ToArray();
            file.Write(BitConverter.GetBytes(15));
            file.Write(BitConverter.GetBytes(c.Length));
            file.Write(c);
        }
        else
        {
            file.Write(element);
        }

        return file.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Mat_HandBuiltFile_ReadsColumnMajorMatrix(bool compress)
    {
        // 3 x 2 matrix [[1,0],[0,0],[1,1]] stored column-major: 1,0,1, 0,0,1.
        string p = Path.Combine(_dir, $"x{compress}.mat");
        File.WriteAllBytes(p, MatBytes("data", 3, 2, [1, 0, 1, 0, 0, 1], compress));
        SpinRaster r = RasterFile.Read(p);
        Assert.Equal(3, r.TimeBins);
        Assert.Equal(2, r.NeuronCount);
        Assert.Equal<sbyte>([1, -1, -1, -1, 1, 1], r.Spins.ToArray());
    }

    [Fact]
    public void Mat_WithoutNumericMatrix_FailsWithOneLine()
    {
        string p = Path.Combine(_dir, "empty.mat");
        byte[] header = new byte[128];
        header[126] = (byte)'I';
        header[127] = (byte)'M';
        File.WriteAllBytes(p, header);
        var ex = Assert.Throws<RasterFormatException>(() => RasterFile.Read(p));
        Assert.Contains("no numeric 2-D matrix", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mat_ValuesOutsideBinary_AreRejected()
    {
        string p = Path.Combine(_dir, "two.mat");
        File.WriteAllBytes(p, MatBytes("data", 1, 2, [1, 2], true));
        var ex = Assert.Throws<RasterFormatException>(() => RasterFile.Read(p));
        Assert.Contains("row 1, column 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Splits_ByRepeatAndBlock_PartitionTheRows()
    {
        var spins = new sbyte[10 * 2];
        for (int t = 0; t < 10; t++)
        {
            spins[2 * t] = t % 3 == 0 ? (sbyte)1 : (sbyte)-1;
            spins[2 * t + 1] = 1;
        }

        SpinRaster r = new SpinRaster(10, 2, spins).WithSegmentLength(3);
        Assert.Equal(4, r.SegmentCount);
        (SpinRaster train, SpinRaster test) = r.SplitByRepeat();
        Assert.Equal(3 + 3, train.TimeBins); // segments 0 (rows 0-2) and 2 (rows 6-8)
        Assert.Equal(3 + 1, test.TimeBins);
        Assert.Equal<int>([0, 3], train.SegmentStarts);
        Assert.Equal(r[6, 0], train[3, 0]);
        (SpinRaster tr, SpinRaster te) = r.SplitByBlock(5, 4);
        Assert.Equal(8, tr.TimeBins);
        Assert.Equal(2, te.TimeBins);
        Assert.Equal(r[8, 0], te[0, 0]);
        SpinRaster sub = r.SelectNeurons([1]);
        Assert.Equal(1, sub.NeuronCount);
        Assert.Equal<int>([0], sub.ConstantNeurons()); // the only column (neuron 1 of r) is always +1
    }

    [Fact]
    public void Moments_SmallRaster_MatchHandComputation()
    {
        var r = new SpinRaster(4, 2, [1, 1, 1, -1, -1, -1, -1, -1]);
        Assert.Equal<double>([0.0, -0.5], r.Means());
        double[] c2 = r.SecondMoments();
        Assert.Equal(0.5, c2[1]); // (1 - 1 + 1 + 1)/4
        double[] c = r.ConnectedCorrelations();
        Assert.Equal(0.5, c[1]);
        Assert.Equal(0.75, c[3]);
        Assert.Equal<double>([0.5, 0.25, 0.25], r.UpCountDistribution());
    }
}
