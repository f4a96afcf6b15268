using StatNeuro.Numerics;

namespace StatNeuro.Networks;

/// <summary>Distribution of a synaptic parameter (weight or delay).</summary>
public enum ValueDistribution
{
    /// <summary>Every synapse gets <see cref="ValueSpec.A"/>.</summary>
    Constant,

    /// <summary>Uniform on [A, B).</summary>
    Uniform,

    /// <summary>Normal with mean A and standard deviation B.</summary>
    Normal,
}

/// <summary>A synaptic weight or delay: a constant or a distribution.</summary>
/// <param name="A">The constant, the lower bound, or the mean.</param>
/// <param name="B">The upper bound or the standard deviation (unused for constants).</param>
/// <param name="Kind">The distribution.</param>
public readonly record struct ValueSpec(double A, double B = 0, ValueDistribution Kind = ValueDistribution.Constant)
{
    /// <summary>A constant value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The spec.</returns>
    public static ValueSpec Constant(double value) => new(value);

    /// <summary>True for a constant.</summary>
    public bool IsConstant => Kind == ValueDistribution.Constant || (Kind == ValueDistribution.Uniform && A == B) || (Kind == ValueDistribution.Normal && B == 0);

    internal double Draw(ref RandomGenerator rng) => Kind switch
    {
        ValueDistribution.Uniform => rng.NextUniform(A, B),
        ValueDistribution.Normal => rng.NextNormal(A, B),
        _ => A,
    };
}

/// <summary>How pre- and postsynaptic neurons are paired.</summary>
public abstract record ConnectionRule
{
    /// <summary>Each pair (i, j) is connected independently with probability P (sampled by geometric skipping).</summary>
    /// <param name="P">Connection probability in [0, 1].</param>
    public sealed record FixedProbability(double P) : ConnectionRule;

    /// <summary>Each postsynaptic neuron gets exactly K presynaptic partners drawn uniformly.</summary>
    /// <param name="K">In-degree.</param>
    public sealed record FixedInDegree(int K) : ConnectionRule;

    /// <summary>Each presynaptic neuron gets exactly K postsynaptic partners drawn uniformly.</summary>
    /// <param name="K">Out-degree.</param>
    public sealed record FixedOutDegree(int K) : ConnectionRule;

    /// <summary>Every pair.</summary>
    public sealed record AllToAll : ConnectionRule;

    /// <summary>i → i (the populations must have the same size).</summary>
    public sealed record OneToOne : ConnectionRule;

    /// <summary>An explicit list of (pre, post) pairs, optionally with per-pair weights and delays (ms).</summary>
    /// <param name="Pairs">The pairs.</param>
    /// <param name="Weights">Per-pair weights, or null to use the connection's weight spec.</param>
    /// <param name="DelaysMs">Per-pair delays (ms), or null to use the connection's delay spec.</param>
    public sealed record ExplicitList(IReadOnlyList<(int Pre, int Post)> Pairs, IReadOnlyList<double>? Weights = null, IReadOnlyList<double>? DelaysMs = null) : ConnectionRule;
}

/// <summary>Thrown when a network would not fit into the memory limit; raised before anything large is allocated.</summary>
public sealed class NetworkTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NetworkTooLargeException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What does not fit and by how much.</param>
    public NetworkTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Message.</param>
    /// <param name="inner">Inner exception.</param>
    public NetworkTooLargeException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
