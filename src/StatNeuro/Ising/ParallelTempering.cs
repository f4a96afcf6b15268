using System.Diagnostics;
using StatNeuro.Data;
using StatNeuro.Numerics;

namespace StatNeuro.Ising;

/// <summary>Settings of <see cref="ParallelTempering"/>.</summary>
public sealed record TemperingSettings
{
    /// <summary>Number of temperatures K per run (the target β = 1 included).</summary>
    public int Temperatures { get; init; } = 12;

    /// <summary>Smallest inverse temperature, as a fraction of the model's (β_min in (0, 1)); the ladder is geometric from it to 1.</summary>
    public double MinBeta { get; init; } = 0.3;

    /// <summary>Sweeps of every replica between two exchange rounds.</summary>
    public int SweepsPerExchange { get; init; } = 1;

    /// <summary>Checks the settings.</summary>
    public void Validate()
    {
        if (Temperatures < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Temperatures), Temperatures, "parallel tempering needs at least 2 temperatures.");
        }

        if (!(MinBeta > 0 && MinBeta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinBeta), MinBeta, "the smallest inverse temperature must lie in (0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SweepsPerExchange);
    }

    /// <summary>The geometric ladder β_k = MinBeta^{(K − 1 − k)/(K − 1)}, k = 0 … K − 1 (β_{K−1} = 1).</summary>
    /// <returns>K inverse temperatures in increasing order.</returns>
    public double[] Ladder()
    {
        var b = new double[Temperatures];
        for (int k = 0; k < Temperatures; k++)
        {
            b[k] = Math.Pow(MinBeta, (Temperatures - 1.0 - k) / (Temperatures - 1.0));
        }

        b[^1] = 1.0;
        return b;
    }
}

/// <summary>Samples at β = 1 from parallel tempering, with the exchange acceptance of every neighbouring pair.</summary>
/// <param name="Samples">The β = 1 configurations and their diagnostics (chains = independent tempering runs).</param>
/// <param name="Betas">The inverse-temperature ladder.</param>
/// <param name="ExchangeAcceptance">Acceptance rate of exchanges between β_k and β_{k+1}, K − 1 values.</param>
public sealed record TemperedSampleSet(SampleSet Samples, double[] Betas, double[] ExchangeAcceptance);

/// <summary>
/// Parallel tempering (replica-exchange Monte Carlo; Swendsen &amp; Wang 1986, Geyer 1991, Hukushima &amp; Nemoto
/// 1996) for low-temperature and glassy Ising models: K copies of the model at inverse temperatures β_k (the model's
/// h and J multiplied by β_k) evolve by single-spin Metropolis or heat-bath sweeps; after every
/// <see cref="TemperingSettings.SweepsPerExchange"/> sweeps, neighbouring copies exchange configurations with
/// probability min(1, exp[(β_{k+1} − β_k)(E_{k+1} − E_k)]) (E the model's energy, −log-weight), even pairs and odd
/// pairs on alternate rounds. This leaves the product of the K Boltzmann distributions invariant, and the hot copies
/// carry the cold one across barriers. Only the β = 1 copy is stored.
/// </summary>
/// <remarks>
/// Each independent run is one chain index in K <see cref="MarkovChains"/> sets (one per temperature), so runs are
/// independent streams and results do not depend on the thread count. An exchange moves the cached local fields
/// with the configurations (rescaled by the β ratio), and the energies come from those fields in O(N), so an exchange
/// round costs less than one sweep.
/// </remarks>
public static class ParallelTempering
{
    /// <summary>Runs <see cref="SamplerSettings.Chains"/> independent tempering runs and stores their β = 1 samples.</summary>
    /// <param name="model">Target model (β = 1).</param>
    /// <param name="settings">Runs (Chains), burn-in, thinning (sweeps of every replica) and samples per run.</param>
    /// <param name="tempering">Ladder and exchange interval.</param>
    /// <param name="seed">Seed; level k of run c uses stream (seed + k, Sampling, c), exchanges stream (seed, Other, c).</param>
    /// <param name="maxThreads">Thread limit (−1 = all cores).</param>
    /// <returns>The samples, ladder and exchange rates.</returns>
    public static TemperedSampleSet Sample(IsingModel model, SamplerSettings settings, TemperingSettings tempering, ulong seed, int maxThreads = -1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(tempering);
        settings.Validate();
        tempering.Validate();
        var clock = Stopwatch.StartNew();
        int n = model.Size, runs = settings.Chains, per = settings.SamplesPerChain, levels = tempering.Temperatures;
        double[] betas = tempering.Ladder();
        var chains = new MarkovChains[levels];
        for (int k = 0; k < levels; k++)
        {
            chains[k] = new MarkovChains(Scaled(model, betas[k]), runs, seed + (ulong)k);
        }

        var spins = new sbyte[(long)runs * per * n];
        var logw = new double[runs * per];
        var accepted = new long[runs, levels - 1];
        var attempted = new long[runs, levels - 1];
        var streams = new RandomStreams(seed);
        Parallel.For(0, runs, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, c =>
        {
            RandomGenerator rng = streams.For(StreamPurpose.Other, c);
            var energy = new double[levels];
            int round = 0;
            void Advance(int sweeps)
            {
                for (int done = 0; done < sweeps; done += tempering.SweepsPerExchange)
                {
                    int block = Math.Min(tempering.SweepsPerExchange, sweeps - done);
                    for (int k = 0; k < levels; k++)
                    {
                        chains[k].Run(c, settings.Kind, block);
                        energy[k] = -chains[k].CachedLogWeight(c) / betas[k];
                    }

                    for (int k = round & 1; k + 1 < levels; k += 2)
                    {
                        attempted[c, k]++;
                        double logA = (betas[k + 1] - betas[k]) * (energy[k + 1] - energy[k]);
                        if (logA >= 0 || rng.NextDouble() < Math.Exp(logA))
                        {
                            MarkovChains.ExchangeStates(chains[k], c, chains[k + 1], c, betas[k], betas[k + 1]);
                            (energy[k], energy[k + 1]) = (energy[k + 1], energy[k]);
                            accepted[c, k]++;
                        }
                    }

                    round++;
                }
            }

            Advance(settings.BurnInSweeps);
            MarkovChains cold = chains[levels - 1];
            for (int s = 0; s < per; s++)
            {
                Advance(settings.SweepsPerSample);
                int row = c * per + s;
                cold.State(c).CopyTo(spins.AsSpan(row * n, n));
                logw[row] = model.LogWeight(spins.AsSpan(row * n, n));
            }
        });

        var rates = new double[levels - 1];
        for (int k = 0; k < levels - 1; k++)
        {
            long a = 0, t = 0;
            for (int c = 0; c < runs; c++)
            {
                a += accepted[c, k];
                t += attempted[c, k];
            }

            rates[k] = t == 0 ? double.NaN : (double)a / t;
        }

        var raster = new SpinRaster(runs * per, n, spins, IsingSampler.ChainStarts(runs, per));
        long updates = (long)runs * levels * n * (settings.BurnInSweeps + (long)per * settings.SweepsPerSample);
        var set = new SampleSet(raster, logw, IsingSampler.Diagnose(raster, logw), updates, clock.Elapsed.TotalSeconds);
        return new TemperedSampleSet(set, betas, rates);
    }

    private static IsingModel Scaled(IsingModel model, double beta)
    {
        var h = new double[model.Size];
        var j = new double[model.Couplings.Length];
        for (int i = 0; i < h.Length; i++)
        {
            h[i] = beta * model.Fields[i];
        }

        for (int k = 0; k < j.Length; k++)
        {
            j[k] = beta * model.Couplings[k];
        }

        return new IsingModel(h, j);
    }
}
