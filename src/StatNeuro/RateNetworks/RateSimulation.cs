using StatNeuro.Numerics;

namespace StatNeuro.RateNetworks;

/// <summary>Settings of a rate-network simulation (and of its Lyapunov-exponent estimate).</summary>
public sealed record RateSimulationOptions
{
    /// <summary>Time step (units of the membrane time constant). Default 0.1 (RK4) — use ≈ 0.02 with noise.</summary>
    public double Dt { get; init; } = 0.1;

    /// <summary>Measured time after the transient.</summary>
    public double Duration { get; init; } = 400;

    /// <summary>Discarded initial time.</summary>
    public double Transient { get; init; } = 100;

    /// <summary>White-noise intensity D, ⟨ξ_i(t) ξ_j(s)⟩ = 2D δ_ij δ(t − s). 0: deterministic RK4; &gt; 0: stochastic Heun.</summary>
    public double NoiseD { get; init; }

    /// <summary>Initial state x_i ~ N(0, InitialScale²).</summary>
    public double InitialScale { get; init; } = 1.0;

    /// <summary>Number of units whose traces are recorded (the first ones).</summary>
    public int RecordUnits { get; init; }

    /// <summary>Record traces every this many steps.</summary>
    public int RecordEvery { get; init; } = 1;

    /// <summary>Blocks for the block standard errors.</summary>
    public int Blocks { get; init; } = 20;

    /// <summary>Seed of initial state and noise (couplings have their own seed).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Throws when a field is out of range.</summary>
    public void Validate()
    {
        if (!(Dt > 0) || !double.IsFinite(Dt))
        {
            throw new ArgumentOutOfRangeException(nameof(Dt), Dt, "time step must be > 0");
        }

        if (!(Duration > 0) || !(Transient >= 0) || !(NoiseD >= 0) || !(InitialScale >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Duration), "Duration > 0, Transient ≥ 0, NoiseD ≥ 0, InitialScale ≥ 0 required");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Blocks, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(RecordUnits);
        ArgumentOutOfRangeException.ThrowIfLessThan(RecordEvery, 1);
    }
}

/// <summary>Result of a simulation.</summary>
/// <param name="Times">Recorded times (from 0, including the transient).</param>
/// <param name="Traces">Recorded x of the first units: Traces[unit][sample].</param>
/// <param name="Delta0">Time average of (1/N) Σ x_i² after the transient (the DMFT Δ0).</param>
/// <param name="Delta0StandardError">Block standard error of <paramref name="Delta0"/>.</param>
/// <param name="PhiSquare">Time average of (1/N) Σ φ(x_i)² after the transient.</param>
/// <param name="LyapunovExponents">The first k Lyapunov exponents (empty when not requested).</param>
/// <param name="LyapunovStandardErrors">Block standard errors of the exponents.</param>
/// <param name="FinalState">x at the end.</param>
public sealed record RateSimulationResult(
    double[] Times,
    double[][] Traces,
    double Delta0,
    double Delta0StandardError,
    double PhiSquare,
    double[] LyapunovExponents,
    double[] LyapunovStandardErrors,
    double[] FinalState);

/// <summary>Simulation of dx/dt = −x + J φ(x) (+ noise) with tangent dynamics for Lyapunov exponents.</summary>
/// <remarks>
/// <para>Noiseless: classical RK4 (step dt). With white noise of intensity D (dx = (−x + Jφ(x)) dt + √(2D) dW):
/// stochastic Heun, strong order 1 for additive noise (Kloeden &amp; Platen 1992, §11.1).</para>
/// <para>Lyapunov exponents (Benettin, Galgani, Giorgilli &amp; Strelcyn 1980; Shimada &amp; Nagashima 1979): k tangent
/// vectors obey dδ/dt = −δ + J (φ'(x) ⊙ δ); they are integrated with the same stages as x (one fused product
/// J·[φ(x), φ'⊙δ₁, …, φ'⊙δ_k] per stage, J read once), re-orthonormalised by modified Gram–Schmidt (a QR
/// factorisation) after every step, and λ_i = (1/T) Σ ln R_ii after the transient. The tangent equation gets no
/// noise (both copies see the same noise). Standard errors: the measured time is cut into blocks, λ_i is
/// computed per block, SE = sd(blocks)/√blocks.</para>
/// <para>The hot loop allocates nothing: all buffers are made once per run.</para>
/// </remarks>
public static class RateSimulation
{
    /// <summary>Runs the network and, when <paramref name="lyapunovCount"/> &gt; 0, the first exponents.</summary>
    /// <param name="network">The network.</param>
    /// <param name="options">Settings.</param>
    /// <param name="lyapunovCount">Number of Lyapunov exponents (0: none; 1: maximal, Benettin).</param>
    /// <param name="progress">Optional progress callback (fraction done).</param>
    /// <returns>Traces, Δ0, exponents.</returns>
    public static RateSimulationResult Run(RateNetwork network, RateSimulationOptions options, int lyapunovCount = 0, Action<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(lyapunovCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lyapunovCount, network.N);
        var engine = new RateIntegrator(network, lyapunovCount, options.NoiseD, options.Seed);
        var init = new RandomStreams(options.Seed).For(StreamPurpose.InitialState);
        for (int i = 0; i < network.N; i++)
        {
            engine.X[i] = options.InitialScale * init.NextNormal();
        }

        engine.InitialiseTangents();
        double dt = options.Dt;
        long transientSteps = (long)Math.Round(options.Transient / dt);
        long measureSteps = Math.Max(options.Blocks, (long)Math.Round(options.Duration / dt));
        long total = transientSteps + measureSteps;
        int rec = Math.Min(options.RecordUnits, network.N);
        int samples = rec > 0 ? (int)(total / options.RecordEvery) + 1 : 0;
        var times = new double[samples];
        var traces = new double[rec][];
        for (int u = 0; u < rec; u++)
        {
            traces[u] = new double[samples];
        }

        int blocks = options.Blocks;
        var blockDelta = new double[blocks];
        var blockPhi = new double[blocks];
        var blockLog = new double[blocks * lyapunovCount];
        var blockSteps = new long[blocks];
        var logs = new double[lyapunovCount];
        int sample = 0;
        RecordSample(engine, traces, times, ref sample, 0.0, rec);
        long reportEvery = Math.Max(1, total / 100);
        for (long s = 1; s <= total; s++)
        {
            engine.Step(dt);
            if (lyapunovCount > 0)
            {
                engine.Orthonormalise(logs);
            }

            if (rec > 0 && s % options.RecordEvery == 0 && sample < samples)
            {
                RecordSample(engine, traces, times, ref sample, s * dt, rec);
            }

            if (s > transientSteps)
            {
                int b = (int)Math.Min(blocks - 1, (s - transientSteps - 1) * blocks / measureSteps);
                (double d2, double p2) = engine.Moments();
                blockDelta[b] += d2;
                blockPhi[b] += p2;
                blockSteps[b]++;
                for (int m = 0; m < lyapunovCount; m++)
                {
                    blockLog[b * lyapunovCount + m] += logs[m];
                }
            }

            if (progress is not null && s % reportEvery == 0)
            {
                progress((double)s / total);
            }
        }

        var deltaMeans = new double[blocks];
        var phiMeans = new double[blocks];
        for (int b = 0; b < blocks; b++)
        {
            deltaMeans[b] = blockDelta[b] / blockSteps[b];
            phiMeans[b] = blockPhi[b] / blockSteps[b];
        }

        var exps = new double[lyapunovCount];
        var ses = new double[lyapunovCount];
        var per = new double[blocks];
        for (int m = 0; m < lyapunovCount; m++)
        {
            for (int b = 0; b < blocks; b++)
            {
                per[b] = blockLog[b * lyapunovCount + m] / (blockSteps[b] * dt);
            }

            exps[m] = Statistics.Mean(per);
            ses[m] = Statistics.StandardError(per);
        }

        if (rec > 0 && sample < samples)
        {
            Array.Resize(ref times, sample);
            for (int u = 0; u < rec; u++)
            {
                Array.Resize(ref traces[u], sample);
            }
        }

        return new RateSimulationResult(
            times,
            traces,
            Statistics.Mean(deltaMeans),
            Statistics.StandardError(deltaMeans),
            Statistics.Mean(phiMeans),
            exps,
            ses,
            engine.X.ToArray());
    }

    private static void RecordSample(RateIntegrator engine, double[][] traces, double[] times, ref int sample, double t, int rec)
    {
        if (sample >= times.Length)
        {
            return;
        }

        times[sample] = t;
        for (int u = 0; u < rec; u++)
        {
            traces[u][sample] = engine.X[u];
        }

        sample++;
    }
}

/// <summary>Allocation-free RK4 / stochastic-Heun stepper of x and k tangent vectors.</summary>
internal sealed class RateIntegrator
{
    private readonly RateNetwork _net;
    private readonly int _n;
    private readonly int _k;
    private readonly double _noise;
    private readonly double[] _state;   // (1 + k)·N: x, δ₁..δ_k
    private readonly double[] _stage;   // stage argument
    private readonly double[] _accum;   // RK accumulator
    private readonly double[] _deriv;   // derivative of the stage
    private readonly double[] _input;   // [φ(x), φ'⊙δ₁, ...]
    private readonly double[] _product; // J·input
    private readonly double[] _slope;   // φ'(x)
    private readonly double[] _xi;      // noise increment
    private RandomGenerator _rng;

    public RateIntegrator(RateNetwork network, int tangents, double noiseD, ulong seed)
    {
        _net = network;
        _n = network.N;
        _k = tangents;
        _noise = noiseD;
        int len = (1 + tangents) * _n;
        _state = new double[len];
        _stage = new double[len];
        _accum = new double[len];
        _deriv = new double[len];
        _input = new double[len];
        _product = new double[len];
        _slope = new double[_n];
        _xi = new double[_n];
        _rng = new RandomStreams(seed).For(StreamPurpose.Noise);
    }

    public Span<double> X => _state.AsSpan(0, _n);

    public void InitialiseTangents()
    {
        var rng = new RandomStreams(0x5eed).For(StreamPurpose.Other, 17);
        for (int i = _n; i < _state.Length; i++)
        {
            _state[i] = rng.NextNormal();
        }

        if (_k > 0)
        {
            Orthonormalise(new double[_k]);
        }
    }

    /// <summary>Derivative of the joint state at <paramref name="y"/> into <paramref name="dy"/>.</summary>
    private void Derivative(double[] y, double[] dy)
    {
        int n = _n;
        RateActivations.Apply(_net.Activation, y.AsSpan(0, n), _input.AsSpan(0, n), _k > 0 ? _slope : Span<double>.Empty);
        for (int m = 1; m <= _k; m++)
        {
            int off = m * n;
            for (int i = 0; i < n; i++)
            {
                _input[off + i] = _slope[i] * y[off + i];
            }
        }

        _net.MultiplyMany(_input, _product, 1 + _k);
        for (int i = 0; i < y.Length; i++)
        {
            dy[i] = _product[i] - y[i];
        }
    }

    public void Step(double dt)
    {
        if (_noise > 0)
        {
            HeunStep(dt);
        }
        else
        {
            Rk4Step(dt);
        }
    }

    private void Rk4Step(double dt)
    {
        double[] y = _state, z = _stage, acc = _accum, k = _deriv;
        int len = y.Length;
        Derivative(y, k);
        for (int i = 0; i < len; i++)
        {
            acc[i] = k[i];
            z[i] = y[i] + 0.5 * dt * k[i];
        }

        Derivative(z, k);
        for (int i = 0; i < len; i++)
        {
            acc[i] += 2 * k[i];
            z[i] = y[i] + 0.5 * dt * k[i];
        }

        Derivative(z, k);
        for (int i = 0; i < len; i++)
        {
            acc[i] += 2 * k[i];
            z[i] = y[i] + dt * k[i];
        }

        Derivative(z, k);
        double c = dt / 6;
        for (int i = 0; i < len; i++)
        {
            y[i] += c * (acc[i] + k[i]);
        }
    }

    private void HeunStep(double dt)
    {
        double[] y = _state, z = _stage, acc = _accum, k = _deriv;
        int len = y.Length, n = _n;
        double amp = Math.Sqrt(2 * _noise * dt);
        for (int i = 0; i < n; i++)
        {
            _xi[i] = amp * _rng.NextNormal();
        }

        Derivative(y, k);
        for (int i = 0; i < len; i++)
        {
            acc[i] = k[i];
            z[i] = y[i] + dt * k[i] + (i < n ? _xi[i] : 0.0);
        }

        Derivative(z, k);
        double c = 0.5 * dt;
        for (int i = 0; i < len; i++)
        {
            y[i] += c * (acc[i] + k[i]) + (i < n ? _xi[i] : 0.0);
        }
    }

    /// <summary>Modified Gram–Schmidt on the tangent vectors; logs[m] = ln R_mm.</summary>
    public void Orthonormalise(double[] logs)
    {
        int n = _n;
        for (int m = 0; m < _k; m++)
        {
            Span<double> v = _state.AsSpan((m + 1) * n, n);
            for (int p = 0; p < m; p++)
            {
                ReadOnlySpan<double> u = _state.AsSpan((p + 1) * n, n);
                double proj = System.Numerics.Tensors.TensorPrimitives.Dot(u, v);
                for (int i = 0; i < n; i++)
                {
                    v[i] -= proj * u[i];
                }
            }

            double norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
            logs[m] = Math.Log(norm);
            System.Numerics.Tensors.TensorPrimitives.Multiply(v, 1 / norm, v);
        }
    }

    /// <summary>(1/N) Σ x², (1/N) Σ φ(x)².</summary>
    public (double X2, double Phi2) Moments()
    {
        double sx = 0, sp = 0;
        for (int i = 0; i < _n; i++)
        {
            double x = _state[i];
            double p = RateActivations.Phi(_net.Activation, x);
            sx += x * x;
            sp += p * p;
        }

        return (sx / _n, sp / _n);
    }
}
