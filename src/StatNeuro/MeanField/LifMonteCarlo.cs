using StatNeuro.Numerics;

namespace StatNeuro.MeanField;

/// <summary>Spike counts of a Monte Carlo population, per time step.</summary>
/// <param name="Neurons">Number of neurons.</param>
/// <param name="DtMs">Time step (ms); count k covers (k Δt, (k + 1) Δt].</param>
/// <param name="Counts">Spikes in each step.</param>
public sealed record MonteCarloSpikes(int Neurons, double DtMs, long[] Counts)
{
    /// <summary>The population rate averaged over the steps ending in (t0, t1], with its standard error.</summary>
    /// <param name="startMs">t0 (ms).</param>
    /// <param name="endMs">t1 (ms).</param>
    /// <returns>Rate and standard error sqrt(count)/(N w) in Hz (Poisson count; independent neurons).</returns>
    public (double RateHz, double StandardErrorHz) Rate(double startMs, double endMs)
    {
        (int first, int last) = StepRange(startMs, endMs, DtMs, Counts.Length);
        long count = 0;
        for (int k = first; k <= last; k++)
        {
            count += Counts[k];
        }

        double width = (last - first + 1) * DtMs / 1000;
        return (count / (Neurons * width), Math.Sqrt(Math.Max(count, 1)) / (Neurons * width));
    }

    /// <summary>Indices k of the steps whose end time (k + 1) Δt lies in (t0, t1].</summary>
    /// <param name="startMs">t0.</param>
    /// <param name="endMs">t1.</param>
    /// <param name="dtMs">Δt.</param>
    /// <param name="steps">Number of steps.</param>
    /// <returns>The inclusive index range.</returns>
    public static (int First, int Last) StepRange(double startMs, double endMs, double dtMs, int steps)
    {
        int first = Math.Max(0, (int)Math.Floor((startMs / dtMs) + 1e-9));
        int last = Math.Min(steps - 1, (int)Math.Ceiling((endMs / dtMs) - 1e-9) - 1);
        return (first, Math.Max(first, last));
    }
}

/// <summary>
/// Monte Carlo of independent LIF neurons, τ dV = (μ(t) - V) dt + σ(t) √τ dW, with a Brownian-bridge threshold test
/// so that excursions above θ between grid points are not missed.
/// </summary>
/// <remarks>
/// <para>Sub-threshold update: the exact Ornstein–Uhlenbeck transition with the inputs at the step midpoint,
/// V' = μ + (V - μ) e^(-Δt/τ) + σ √((1 - e^(-2Δt/τ))/2) Z (exact for constant inputs; no Euler–Maruyama drift
/// error). Crossing test: if V' &lt; θ the path still crossed with the Brownian-bridge probability
/// exp(-2(θ - V)(θ - V')/(σ^2 Δt/τ)) (the increment variance of dV is σ^2 Δt/τ); plain grid checks bias the rate
/// low by |∂ν/∂θ| 0.5826 σ √(Δt/τ) (Broadie, Glasserman &amp; Kou 1997). A spike is stamped at the step end, the
/// neuron is held at V_r for exactly τ_ref (Δt is shrunk so that τ_ref/Δt is an integer) and then released.</para>
/// <para>The initial state is drawn from the discrete stationary density at (μ0, σ0) of <see cref="FokkerPlanck"/>
/// (2000+ cells), with probability τ_ref ν0 of being refractory with a uniform remaining time. Neurons are
/// simulated in blocks of 1024, each with its own stream (seed, Sampling, block), so the counts do not depend on
/// the number of threads.</para>
/// </remarks>
public static class LifMonteCarlo
{
    private const int BlockSize = 1024;

    /// <summary>Simulates N neurons for a duration and returns the spike count in every step.</summary>
    /// <param name="neuron">Neuron parameters.</param>
    /// <param name="neurons">N ≥ 1.</param>
    /// <param name="dtMs">Requested step (ms); shrunk so that τ_ref/Δt is an integer.</param>
    /// <param name="durationMs">Duration (ms).</param>
    /// <param name="mu">μ(t) (mV), t in ms.</param>
    /// <param name="sigma">σ(t) (mV), &gt; 0.</param>
    /// <param name="initialMuMv">μ0 of the stationary initial state.</param>
    /// <param name="initialSigmaMv">σ0 of the stationary initial state.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="threads">Maximum degree of parallelism (≥ 1); the result does not depend on it.</param>
    /// <returns>The spike counts.</returns>
    /// <exception cref="ArgumentException">On invalid input.</exception>
    public static MonteCarloSpikes Simulate(DiffusionLifParameters neuron, int neurons, double dtMs, double durationMs, Func<double, double> mu, Func<double, double> sigma, double initialMuMv, double initialSigmaMv, ulong seed, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(neuron);
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(sigma);
        neuron.Validate();
        if (neurons < 1 || !(dtMs > 0) || !(durationMs > 0) || !double.IsFinite(durationMs) || threads < 1)
        {
            throw new ArgumentException($"Need neurons = {neurons} >= 1, dt = {dtMs} > 0, duration = {durationMs} > 0, threads = {threads} >= 1.", nameof(neurons));
        }

        int refractorySteps = neuron.RefractoryMs > 0 ? Math.Max(1, (int)Math.Ceiling((neuron.RefractoryMs / dtMs) - 1e-9)) : 0;
        double dt = refractorySteps > 0 ? neuron.RefractoryMs / refractorySteps : dtMs;
        int steps = (int)Math.Round(durationMs / dt);
        var muMid = new double[steps];
        var sigmaMid = new double[steps];
        for (int k = 0; k < steps; k++)
        {
            muMid[k] = mu((k + 0.5) * dt);
            sigmaMid[k] = sigma((k + 0.5) * dt);
            if (!double.IsFinite(muMid[k]) || !(sigmaMid[k] > 0) || !double.IsFinite(sigmaMid[k]))
            {
                throw new ArgumentException($"mu({(k + 0.5) * dt} ms) = {muMid[k]} must be finite and sigma = {sigmaMid[k]} > 0.", nameof(mu));
            }
        }

        (double[] cdf, double lower, double dv, double refractoryProbability) = InitialDistribution(neuron, initialMuMv, initialSigmaMv);
        int blocks = (neurons + BlockSize - 1) / BlockSize;
        var blockCounts = new long[blocks][];
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, block =>
        {
            int size = Math.Min(BlockSize, neurons - (block * BlockSize));
            blockCounts[block] = SimulateBlock(neuron, size, dt, steps, refractorySteps, muMid, sigmaMid, cdf, lower, dv, refractoryProbability, new RandomStreams(seed).For(StreamPurpose.Sampling, block));
        });

        var counts = new long[steps];
        foreach (long[] c in blockCounts)
        {
            for (int k = 0; k < steps; k++)
            {
                counts[k] += c[k];
            }
        }

        return new MonteCarloSpikes(neurons, dt, counts);
    }

    private static long[] SimulateBlock(DiffusionLifParameters neuron, int size, double dt, int steps, int refractorySteps, double[] muMid, double[] sigmaMid, double[] cdf, double lower, double dv, double refractoryProbability, RandomGenerator rng)
    {
        var v = new double[size];
        var hold = new int[size];
        double theta = neuron.ThresholdMv, reset = neuron.ResetMv, tau = neuron.TauMs;
        for (int i = 0; i < size; i++)
        {
            double u = rng.NextDouble();
            if (u < refractoryProbability)
            {
                v[i] = reset;
                hold[i] = 1 + (int)(rng.NextDouble() * refractorySteps);
            }
            else
            {
                double target = rng.NextDouble();
                int j = Array.BinarySearch(cdf, target);
                j = j < 0 ? ~j : j;
                j = Math.Min(j, cdf.Length - 1);
                double below = j == 0 ? 0 : cdf[j - 1];
                double fraction = cdf[j] > below ? (target - below) / (cdf[j] - below) : 0.5;
                v[i] = lower + ((j + fraction) * dv);
            }
        }

        var counts = new long[steps];
        double decay = Math.Exp(-dt / tau);
        double spread = Math.Sqrt(-ErrorFunctions.ExpM1(-2 * dt / tau) / 2);
        for (int k = 0; k < steps; k++)
        {
            double m = muMid[k], s = sigmaMid[k];
            double noise = s * spread;
            double bridge = -2 / (s * s * dt / tau);
            long spikes = 0;
            for (int i = 0; i < size; i++)
            {
                if (hold[i] > 0)
                {
                    hold[i]--;
                    continue;
                }

                double old = v[i];
                double next = m + ((old - m) * decay) + (noise * rng.NextNormal());
                bool spike = next >= theta;
                if (!spike)
                {
                    double exponent = bridge * (theta - old) * (theta - next);
                    spike = exponent > -40 && rng.NextDouble() < Math.Exp(exponent);
                }

                if (spike)
                {
                    spikes++;
                    v[i] = reset;
                    hold[i] = refractorySteps;
                }
                else
                {
                    v[i] = next;
                }
            }

            counts[k] = spikes;
        }

        return counts;
    }

    private static (double[] Cdf, double Lower, double Dv, double RefractoryProbability) InitialDistribution(DiffusionLifParameters neuron, double mu, double sigma)
    {
        // V_r on an interface: 1000 cells between V_r and θ, the wall ≥ 10 σ below min(μ, V_r).
        double dv = (neuron.ThresholdMv - neuron.ResetMv) / 1000;
        double wall = Math.Min(mu, neuron.ResetMv) - (10 * sigma);
        int below = Math.Max(2, (int)Math.Ceiling((neuron.ResetMv - wall) / dv));
        double lower = neuron.ResetMv - (below * dv);
        StationaryDensity s = FokkerPlanck.Stationary(mu, sigma, neuron, below + 1000, lower);
        var cdf = new double[s.Density.Length];
        double sum = 0;
        for (int j = 0; j < cdf.Length; j++)
        {
            sum += s.Density[j] * dv;
            cdf[j] = sum;
        }

        for (int j = 0; j < cdf.Length; j++)
        {
            cdf[j] /= sum;
        }

        return (cdf, lower, dv, neuron.RefractoryMs * s.RateHz / 1000);
    }
}
