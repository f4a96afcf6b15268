namespace StatNeuro.Data;

/// <summary>
/// Bad raster input: the message is one line naming the file, the line and column where known, what is wrong and
/// how to fix it. The command line turns it into exit code 2.
/// </summary>
public sealed class RasterFormatException : FormatException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    /// <param name="message">What, where and how to fix.</param>
    public RasterFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an empty message.</summary>
    public RasterFormatException()
    {
    }

    /// <summary>Creates the exception wrapping a cause.</summary>
    /// <param name="message">What, where and how to fix.</param>
    /// <param name="inner">The cause.</param>
    public RasterFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>How a raster file is laid out.</summary>
public enum RasterLayout
{
    /// <summary>One row per time bin, one column per neuron (the default).</summary>
    TimeByNeurons = 0,

    /// <summary>One row per neuron, one column per time bin (e.g. the seed's bint.txt, 160 × 283 041).</summary>
    NeuronsByTime = 1,
}

/// <summary>A dense numeric matrix read from a file, row-major, before conversion to spins.</summary>
/// <param name="Rows">Number of rows.</param>
/// <param name="Columns">Number of columns.</param>
/// <param name="Values">Row-major values.</param>
public sealed record NumericMatrix(int Rows, int Columns, double[] Values);
