using System.Numerics.Tensors;
using StatNeuro.Numerics;

namespace StatNeuro.RateNetworks;

/// <summary>Settings of the time-dependent DMFT solved by sampling effective single-unit paths.</summary>
public sealed record SampledDmftOptions
{
    /// <summary>Time step of the paths.</summary>
    public double Dt { get; init; } = 0.1;

    /// <summary>Length of the time window [0, T].</summary>
    public double Duration { get; init; } = 40;

    /// <summary>Paths per iteration used for the correlation functions.</summary>
    public int Paths { get; init; } = 2000;

    /// <summary>Paths per iteration whose response (tangent) is propagated for R(t, s) (only used when γ ≠ 0).</summary>
    public int ResponsePaths { get; init; } = 400;

    /// <summary>Self-consistency iterations.</summary>
    public int Iterations { get; init; } = 25;

    /// <summary>Damping: new = damping·old + (1 − damping)·estimate.</summary>
    public double Damping { get; init; } = 0.2;

    /// <summary>Initial state x(0) ~ N(0, InitialScale²).</summary>
    public double InitialScale { get; init; } = 1.0;

    /// <summary>White-noise intensity D (⟨ξξ⟩ = 2D δ).</summary>
    public double NoiseD { get; init; }

    /// <summary>Start of the window over which stationary Δ0 and Δ(τ) are averaged (default T/2).</summary>
    public double? StationaryFrom { get; init; }

    /// <summary>Longest lag of the stationary autocorrelation (default: a third of the stationary window).</summary>
    public double? MaxLag { get; init; }

    /// <summary>Seed.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Worker threads.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws when a field is out of range.</summary>
    public void Validate()
    {
        if (!(Dt > 0) || !(Duration >= 2 * Dt) || !double.IsFinite(Duration) || !(NoiseD >= 0) || !(InitialScale >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Dt), "Dt > 0, Duration ≥ 2 Dt, NoiseD ≥ 0, InitialScale ≥ 0 required");
        }

        if (Paths < 2 || ResponsePaths < 1 || Iterations < 1 || !(Damping >= 0 && Damping < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Paths), "Paths ≥ 2, ResponsePaths ≥ 1, Iterations ≥ 1, 0 ≤ Damping < 1 required");
        }
    }
}

/// <summary>Result of the sampled time-dependent DMFT.</summary>
/// <param name="Times">Grid times t_k = k·dt, k = 0..K.</param>
/// <param name="Mean">m(t) = ⟨x(t)⟩.</param>
/// <param name="Variance">C(t, t) = ⟨x(t)²⟩.</param>
/// <param name="PhiSquare">C_φ(t, t) = ⟨φ(x(t))²⟩.</param>
/// <param name="ResponseIntegral">∫_0^t R(t, s) ds (the integrated response of φ(x(t)) to a constant input; 0 at γ = 0, where R is not needed).</param>
/// <param name="Delta0">Stationary Δ0: C(t, t) averaged over the stationary window.</param>
/// <param name="Lags">Lags τ of the stationary autocorrelation.</param>
/// <param name="Autocorrelation">Δ(τ) = ⟨x(t) x(t + τ)⟩ averaged over t in the stationary window.</param>
/// <param name="Changes">Largest change of C_φ per iteration (sampling noise sets its floor, ~1/√paths).</param>
public sealed record SampledDmftResult(
    double[] Times,
    double[] Mean,
    double[] Variance,
    double[] PhiSquare,
    double[] ResponseIntegral,
    double Delta0,
    double[] Lags,
    double[] Autocorrelation,
    double[] Changes);

/// <summary>
/// Time-dependent dynamical mean-field theory of dx/dt = −x + Jφ(x) + ξ with reciprocity [J_ij J_ji] = γg²/N, solved by
/// sampling effective single-unit paths (Eissfeller &amp; Opper, PRL 68, 2094, 1992; design note §5 item 9).
/// </summary>
/// <remarks>
/// <para>Effective single unit: dx/dt = −x + η(t) + γg² ∫_0^t R(t, s) φ(x(s)) ds + ξ(t), η a Gaussian process with
/// ⟨η(t)η(s)⟩ = g² C_φ(t, s), C_φ(t, s) = ⟨φ(x(t)) φ(x(s))⟩, R(t, s) = δ⟨φ(x(t))⟩/δh(s) the response of φ to an input
/// h added to dx/dt, ⟨ξξ⟩ = 2D δ. The memory (reaction) term appears only for γ ≠ 0 (γ = 0: SCS).</para>
/// <para>Discretisation on t_k = k dt: η_k sampled exactly on the grid (η = B z with B Bᵀ = g² C_φ from the symmetric
/// eigendecomposition, robust for the ill-conditioned smooth covariances of the chaotic state);
/// exponential integrator x_{k+1} = a x_k + (1 − a)(η̄_k + M_k) + √(D(1 − a²)) ζ_k, a = e^{−dt},
/// η̄_k = (η_k + η_{k+1})/2, M_k = γg² dt Σ_{s&lt;k} R_{k,s} φ(x_s) (left-point memory, causal).</para>
/// <para>Response: every response path carries the tangents G_{k,s} = ∂x_k/∂h_s (h_s added to the input of step s):
/// G_{s+1,s} = 1 − a, G_{k+1,s} = a G_{k,s} + (1 − a) γg² dt Σ_{s&lt;s'&lt;k} R_{k,s'} φ'(x_{s'}) G_{s',s}, and
/// R_{k,s} = ⟨φ'(x_k) G_{k,s}⟩/dt (O(K³) per path, hence fewer response paths than correlation paths).</para>
/// <para>Iteration: C_φ and R are re-estimated from the paths and mixed with damping. The path sums are accumulated in
/// a fixed number of chunks with their own random streams and reduced in order, so the result does not depend on
/// the thread count.</para>
/// </remarks>
public static class SampledDmft
{
    private const int Chunks = 8;

    /// <summary>Solves the effective single-unit problem self-consistently.</summary>
    /// <param name="g">Gain.</param>
    /// <param name="gamma">Reciprocity.</param>
    /// <param name="options">Settings.</param>
    /// <param name="activation">Transfer function.</param>
    /// <param name="progress">Optional callback (fraction done).</param>
    /// <returns>Correlations, response, stationary Δ0 and Δ(τ).</returns>
    public static SampledDmftResult Solve(double g, double gamma, SampledDmftOptions? options = null, RateActivation activation = RateActivation.Tanh, Action<double>? progress = null)
    {
        options ??= new SampledDmftOptions();
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(g);
        if (!(Math.Abs(gamma) <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "reciprocity must lie in [-1, 1]");
        }

        double dt = options.Dt;
        int kSteps = (int)Math.Round(options.Duration / dt);
        int len = kSteps + 1;
        bool memory = gamma != 0 && g > 0;
        int responsePaths = memory ? Math.Min(options.ResponsePaths, options.Paths) : 0;

        // Initial guess: C_φ(t, s) = 0.5 e^{−|t−s|}, R = 0.
        var cphi = new double[len * len];
        for (int i = 0; i < len; i++)
        {
            for (int j = 0; j < len; j++)
            {
                cphi[i * len + j] = 0.5 * Math.Exp(-Math.Abs(i - j) * dt);
            }
        }

        var resp = new double[len * len];
        var chol = new double[len * len];
        var changes = new List<double>();
        var acc = new Accumulator[Chunks];
        for (int c = 0; c < Chunks; c++)
        {
            acc[c] = new Accumulator(len);
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Threads) };
        var ctx = new PathContext(g, gamma, dt, len, options.NoiseD, options.InitialScale, activation, memory);
        for (int it = 0; it < options.Iterations; it++)
        {
            SquareRoot(cphi, g * g, len, chol);
            int iteration = it;
            Parallel.For(0, Chunks, parallel, c =>
            {
                Accumulator a = acc[c];
                a.Clear();
                int lo = (int)((long)options.Paths * c / Chunks), hi = (int)((long)options.Paths * (c + 1) / Chunks);
                var rng = new RandomStreams(options.Seed).For(StreamPurpose.Other, 1000L * iteration + c + 1);
                bool final = iteration == options.Iterations - 1;
                for (int p = lo; p < hi; p++)
                {
                    ctx.Path(chol, resp, ref rng, a, p < responsePaths, final);
                }
            });

            // Reduce in chunk order.
            var sumPhi = new double[len * len];
            var sumResp = new double[len * len];
            for (int c = 0; c < Chunks; c++)
            {
                TensorPrimitives.Add(sumPhi, acc[c].PhiPhi, sumPhi);
                if (memory)
                {
                    TensorPrimitives.Add(sumResp, acc[c].Response, sumResp);
                }
            }

            double dm = options.Damping, change = 0;
            for (int i = 0; i < len; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    double est = sumPhi[i * len + j] / options.Paths;
                    double v = dm * cphi[i * len + j] + (1 - dm) * est;
                    change = Math.Max(change, Math.Abs(v - cphi[i * len + j]));
                    cphi[i * len + j] = cphi[j * len + i] = v;
                }
            }

            if (memory)
            {
                for (int i = 0; i < resp.Length; i++)
                {
                    resp[i] = dm * resp[i] + (1 - dm) * sumResp[i] / (responsePaths * dt);
                }
            }

            changes.Add(change);
            progress?.Invoke((it + 1.0) / options.Iterations);
        }

        // Final statistics from the last iteration's paths.
        var sumXx = new double[len * len];
        var sumX = new double[len];
        var sumPhi2 = new double[len];
        for (int c = 0; c < Chunks; c++)
        {
            TensorPrimitives.Add(sumXx, acc[c].XX, sumXx);
            TensorPrimitives.Add(sumX, acc[c].X, sumX);
            for (int i = 0; i < len; i++)
            {
                sumPhi2[i] += acc[c].PhiPhi[i * len + i];
            }
        }

        int m = options.Paths;
        var times = new double[len];
        var mean = new double[len];
        var variance = new double[len];
        var phi2 = new double[len];
        var rint = new double[len];
        for (int i = 0; i < len; i++)
        {
            times[i] = i * dt;
            mean[i] = sumX[i] / m;
            variance[i] = sumXx[i * len + i] / m;
            phi2[i] = sumPhi2[i] / m;
            double s = 0;
            for (int j = 0; j < i; j++)
            {
                s += resp[i * len + j];
            }

            rint[i] = s * dt;
        }

        int from = (int)Math.Round((options.StationaryFrom ?? options.Duration / 2) / dt);
        from = Math.Clamp(from, 0, kSteps);
        int window = kSteps - from;
        int maxLag = (int)Math.Round((options.MaxLag ?? window * dt / 3) / dt);
        maxLag = Math.Clamp(maxLag, 0, window);
        double d0 = 0;
        for (int i = from; i <= kSteps; i++)
        {
            d0 += variance[i];
        }

        d0 /= window + 1;
        var lags = new double[maxLag + 1];
        var auto = new double[maxLag + 1];
        for (int l = 0; l <= maxLag; l++)
        {
            double s = 0;
            int cnt = 0;
            for (int i = from; i + l <= kSteps; i++)
            {
                s += sumXx[(i + l) * len + i] / m;
                cnt++;
            }

            lags[l] = l * dt;
            auto[l] = s / cnt;
        }

        return new SampledDmftResult(times, mean, variance, phi2, rint, d0, lags, auto, [.. changes]);
    }

    /// <summary>A square root B of s·C (B Bᵀ = s·C) from the symmetric eigendecomposition, negative eigenvalues (rounding)
    /// clamped to zero. Unlike a Cholesky factor it stays accurate for the extremely ill-conditioned smooth covariances
    /// of the chaotic state.</summary>
    internal static void SquareRoot(double[] c, double scale, int n, double[] b)
    {
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (i, j) => scale * c[i * n + j]);
        var evd = m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var v = evd.EigenVectors;
        for (int k = 0; k < n; k++)
        {
            double sq = Math.Sqrt(Math.Max(0, evd.EigenValues[k].Real));
            for (int i = 0; i < n; i++)
            {
                b[i * n + k] = v[i, k] * sq;
            }
        }
    }

    private sealed class Accumulator(int len)
    {
        public double[] PhiPhi { get; } = new double[len * len];

        public double[] XX { get; } = new double[len * len];

        public double[] X { get; } = new double[len];

        public double[] Response { get; } = new double[len * len];

        public void Clear()
        {
            Array.Clear(PhiPhi);
            Array.Clear(XX);
            Array.Clear(X);
            Array.Clear(Response);
        }
    }

    private sealed class PathContext(double g, double gamma, double dt, int len, double noiseD, double initialScale, RateActivation activation, bool memory)
    {
        private readonly double _a = Math.Exp(-dt);
        private readonly double _noise = Math.Sqrt(noiseD * (1 - Math.Exp(-2 * dt)));
        private readonly double _react = gamma * g * g * dt;

        [ThreadStatic]
        private static double[]? s_threadBuffer;

        public void Path(double[] chol, double[] resp, ref RandomGenerator rng, Accumulator acc, bool response, bool moments)
        {
            int n = len;
            double[] buf = s_threadBuffer is { Length: var bl } && bl >= (6 * n) + (response ? n * n : 0) ? s_threadBuffer : (s_threadBuffer = new double[(6 * n) + (n * n)]);
            Span<double> z = buf.AsSpan(0, n), eta = buf.AsSpan(n, n), x = buf.AsSpan(2 * n, n), ph = buf.AsSpan(3 * n, n), dph = buf.AsSpan(4 * n, n), coef = buf.AsSpan(5 * n, n);
            for (int i = 0; i < n; i++)
            {
                z[i] = rng.NextNormal();
            }

            for (int i = 0; i < n; i++)
            {
                eta[i] = TensorPrimitives.Dot(chol.AsSpan(i * n, n), z);
            }

            x[0] = initialScale * rng.NextNormal();
            ph[0] = RateActivations.Phi(activation, x[0]);
            for (int k = 0; k + 1 < n; k++)
            {
                double mem = memory ? _react * TensorPrimitives.Dot(resp.AsSpan(k * n, k), ph[..k]) : 0;
                double u = 0.5 * (eta[k] + eta[k + 1]) + mem;
                x[k + 1] = (_a * x[k]) + ((1 - _a) * u) + (_noise > 0 ? _noise * rng.NextNormal() : 0);
                ph[k + 1] = RateActivations.Phi(activation, x[k + 1]);
            }

            // Outer products (lower triangles suffice; the reduction mirrors them).
            for (int i = 0; i < n; i++)
            {
                TensorPrimitives.MultiplyAdd(ph[..(i + 1)], ph[i], acc.PhiPhi.AsSpan(i * n, i + 1), acc.PhiPhi.AsSpan(i * n, i + 1));
                if (moments)
                {
                    TensorPrimitives.MultiplyAdd(x[..(i + 1)], x[i], acc.XX.AsSpan(i * n, i + 1), acc.XX.AsSpan(i * n, i + 1));
                    acc.X[i] += x[i];
                }
            }

            if (!response)
            {
                return;
            }

            // Tangents G[k, s] = ∂x_k/∂h_s (row k holds s < k).
            Span<double> gm = buf.AsSpan(6 * n, n * n);
            gm.Clear();
            for (int k = 0; k < n; k++)
            {
                dph[k] = RateActivations.Derivative(activation, x[k]);
            }

            for (int k = 0; k + 1 < n; k++)
            {
                Span<double> next = gm.Slice((k + 1) * n, k + 1);
                TensorPrimitives.Multiply(gm.Slice(k * n, k), _a, next[..k]);
                next[k] = 1 - _a;

                // Memory: (1 − a) γg² dt Σ_{s'<k} R_{k,s'} φ'(x_{s'}) G[s', ·].
                for (int sp = 1; sp < k; sp++)
                {
                    coef[sp] = (1 - _a) * _react * resp[k * n + sp] * dph[sp];
                    if (coef[sp] != 0)
                    {
                        TensorPrimitives.MultiplyAdd(gm.Slice(sp * n, sp), coef[sp], next[..sp], next[..sp]);
                    }
                }
            }

            for (int k = 1; k < n; k++)
            {
                TensorPrimitives.MultiplyAdd(gm.Slice(k * n, k), dph[k], acc.Response.AsSpan(k * n, k), acc.Response.AsSpan(k * n, k));
            }
        }
    }
}
