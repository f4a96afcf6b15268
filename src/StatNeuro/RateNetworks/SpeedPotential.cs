using System.Numerics.Tensors;
using StatNeuro.Numerics;

namespace StatNeuro.RateNetworks;

/// <summary>
/// The Qiu–Huang potential E(x) = |v(x)|²/2 + η|x|², v = −x + J φ(x) (the speed of the flow), and its exact gradient.
/// </summary>
/// <remarks>
/// Qiu &amp; Huang, "An optimization-based equilibrium measure describing fixed points of non-equilibrium dynamics",
/// Commun. Theor. Phys. 77, 035601 (2025), arXiv:2401.10009. Zeros of E are exactly the fixed points of the flow.
/// ∇E = −v + φ'(x) ⊙ (Jᵀ v) + 2η x (two mat-vecs). Buffers are owned by the instance: no allocation per call.
/// </remarks>
public sealed class SpeedPotential
{
    private readonly RateNetwork _net;
    private readonly double[] _phi;
    private readonly double[] _slope;
    private readonly double[] _v;
    private readonly double[] _jtv;

    /// <summary>Creates the potential of <paramref name="network"/> with L2 weight <paramref name="eta"/>.</summary>
    /// <param name="network">The network.</param>
    /// <param name="eta">η ≥ 0 (0 in every figure of the paper).</param>
    public SpeedPotential(RateNetwork network, double eta = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegative(eta);
        _net = network;
        Eta = eta;
        int n = network.N;
        _phi = new double[n];
        _slope = new double[n];
        _v = new double[n];
        _jtv = new double[n];
    }

    /// <summary>The L2 weight η.</summary>
    public double Eta { get; }

    /// <summary>The network.</summary>
    public RateNetwork Network => _net;

    /// <summary>E(x).</summary>
    /// <param name="x">State.</param>
    /// <returns>E.</returns>
    public double Energy(ReadOnlySpan<double> x)
    {
        RateActivations.Apply(_net.Activation, x, _phi, Span<double>.Empty);
        _net.Multiply(_phi, _v);
        TensorPrimitives.Subtract(_v, x, _v);
        return 0.5 * TensorPrimitives.Dot(_v, _v) + Eta * TensorPrimitives.Dot(x, x);
    }

    /// <summary>E(x) and ∇E(x).</summary>
    /// <param name="x">State.</param>
    /// <param name="gradient">Receives ∇E.</param>
    /// <returns>E.</returns>
    public double EnergyAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        RateActivations.Apply(_net.Activation, x, _phi, _slope);
        _net.Multiply(_phi, _v);
        TensorPrimitives.Subtract(_v, x, _v);
        _net.MultiplyTransposed(_v, _jtv);
        for (int i = 0; i < x.Length; i++)
        {
            gradient[i] = -_v[i] + _slope[i] * _jtv[i] + 2 * Eta * x[i];
        }

        return 0.5 * TensorPrimitives.Dot(_v, _v) + Eta * TensorPrimitives.Dot(x, x);
    }
}

/// <summary>Settings of the MALA sampler of exp(−βE).</summary>
public sealed record MalaOptions
{
    /// <summary>Inverse temperatures, visited in order (an annealing schedule when increasing).</summary>
    public IReadOnlyList<double> Betas { get; init; } = [100.0];

    /// <summary>Steps discarded at each β (step size adapted there).</summary>
    public int BurnIn { get; init; } = 2000;

    /// <summary>Measured steps at each β.</summary>
    public int Steps { get; init; } = 10000;

    /// <summary>Initial step h (drift −h∇E, noise √(2h/β)).</summary>
    public double InitialStep { get; init; } = 0.05;

    /// <summary>Initial state x_i ~ N(0, InitialScale²).</summary>
    public double InitialScale { get; init; } = 0.1;

    /// <summary>Metropolis correction (MALA). False: unadjusted Langevin (biased by O(h)).</summary>
    public bool Metropolis { get; init; } = true;

    /// <summary>Blocks for the standard errors.</summary>
    public int Blocks { get; init; } = 20;

    /// <summary>Seed.</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>Averages at one β.</summary>
/// <param name="Beta">β.</param>
/// <param name="EnergyPerNeuron">⟨E⟩/N.</param>
/// <param name="EnergySe">Block standard error.</param>
/// <param name="Q">⟨(1/N) Σ φ(x_i)²⟩ (the order parameter q).</param>
/// <param name="QSe">Block standard error.</param>
/// <param name="X2">⟨(1/N) Σ x_i²⟩.</param>
/// <param name="Acceptance">Acceptance rate.</param>
/// <param name="Step">Step size h used.</param>
public sealed record MalaResult(double Beta, double EnergyPerNeuron, double EnergySe, double Q, double QSe, double X2, double Acceptance, double Step);

/// <summary>Metropolis-adjusted Langevin sampling of P(x) ∝ exp(−β E(x)), with annealing over a β schedule.</summary>
/// <remarks>
/// Proposal x' = x − h∇E(x) + √(2h/β) ξ, accepted with min(1, e^{−β(E'−E)} q(x|x')/q(x'|x)),
/// log q(y|x) = −β|y − x + h∇E(x)|²/(4h) (Roberts &amp; Tweedie, Bernoulli 2, 341, 1996): the invariant measure is exact.
/// During burn-in h is adapted towards 57 % acceptance (Roberts &amp; Rosenthal 1998) and then frozen. As β → ∞ the
/// measure concentrates on the zeros of E, the fixed points (annealing = fixed-point search). Design note §4.4: on the
/// chaotic side (g(1+γ) &gt; 1) local samplers are not ergodic at finite N; use them for g(1+γ) &lt; 1 and for the
/// equipartition e = 1/(2β).
/// </remarks>
public static class MalaSampler
{
    /// <summary>Runs the chain through the β schedule.</summary>
    /// <param name="potential">The potential.</param>
    /// <param name="options">Settings.</param>
    /// <returns>One result per β.</returns>
    public static IReadOnlyList<MalaResult> Run(SpeedPotential potential, MalaOptions options)
    {
        ArgumentNullException.ThrowIfNull(potential);
        ArgumentNullException.ThrowIfNull(options);
        int n = potential.Network.N;
        var rng = new RandomStreams(options.Seed).For(StreamPurpose.Sampling);
        var x = new double[n];
        var y = new double[n];
        var gx = new double[n];
        var gy = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = options.InitialScale * rng.NextNormal();
        }

        double ex = potential.EnergyAndGradient(x, gx);
        double h = options.InitialStep;
        var results = new List<MalaResult>();
        int blocks = options.Blocks;
        var be = new double[blocks];
        var bq = new double[blocks];
        var bx = new double[blocks];
        var bn = new int[blocks];
        foreach (double beta in options.Betas)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(beta);
            Array.Clear(be);
            Array.Clear(bq);
            Array.Clear(bx);
            Array.Clear(bn);
            long accepted = 0;
            int window = 0, windowAccepted = 0;
            int total = options.BurnIn + options.Steps;
            for (int s = 0; s < total; s++)
            {
                double amp = Math.Sqrt(2 * h / beta);
                for (int i = 0; i < n; i++)
                {
                    y[i] = x[i] - h * gx[i] + amp * rng.NextNormal();
                }

                double ey = potential.EnergyAndGradient(y, gy);
                bool accept = true;
                if (options.Metropolis)
                {
                    double fwd = 0, bwd = 0;
                    for (int i = 0; i < n; i++)
                    {
                        double a = y[i] - x[i] + h * gx[i];
                        double b = x[i] - y[i] + h * gy[i];
                        fwd += a * a;
                        bwd += b * b;
                    }

                    double logRatio = -beta * (ey - ex) - beta * (bwd - fwd) / (4 * h);
                    accept = logRatio >= 0 || rng.NextDouble() < Math.Exp(logRatio);
                }

                if (accept)
                {
                    (x, y) = (y, x);
                    (gx, gy) = (gy, gx);
                    ex = ey;
                }

                if (s < options.BurnIn)
                {
                    window++;
                    windowAccepted += accept ? 1 : 0;
                    if (window == 50)
                    {
                        double rate = windowAccepted / 50.0;
                        h *= Math.Exp(rate - 0.574);
                        window = 0;
                        windowAccepted = 0;
                    }

                    continue;
                }

                accepted += accept ? 1 : 0;
                int blk = (int)((long)(s - options.BurnIn) * blocks / options.Steps);
                double q = 0, x2 = 0;
                for (int i = 0; i < n; i++)
                {
                    double p = RateActivations.Phi(potential.Network.Activation, x[i]);
                    q += p * p;
                    x2 += x[i] * x[i];
                }

                be[blk] += ex / n;
                bq[blk] += q / n;
                bx[blk] += x2 / n;
                bn[blk]++;
            }

            for (int b = 0; b < blocks; b++)
            {
                be[b] /= bn[b];
                bq[b] /= bn[b];
                bx[b] /= bn[b];
            }

            results.Add(new MalaResult(
                beta,
                Statistics.Mean(be),
                Statistics.StandardError(be),
                Statistics.Mean(bq),
                Statistics.StandardError(bq),
                Statistics.Mean(bx),
                (double)accepted / options.Steps,
                h));
        }

        return results;
    }
}
