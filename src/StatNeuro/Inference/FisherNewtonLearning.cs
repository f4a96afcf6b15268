using System.Diagnostics;
using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Inference;

/// <summary>Settings of <see cref="FisherNewtonLearning"/>.</summary>
public sealed record FisherNewtonSettings
{
    /// <summary>Persistent Markov chains.</summary>
    public int Chains { get; init; } = 32;

    /// <summary>Sweeps between stored samples.</summary>
    public int SweepsPerSample { get; init; } = 5;

    /// <summary>Sweeps discarded before the first round (later rounds continue the persistent chains after <see cref="BurnInSweeps"/>/10).</summary>
    public int BurnInSweeps { get; init; } = 2000;

    /// <summary>Model samples (all chains) of the first round; doubled every round up to <see cref="MaxSamples"/>.</summary>
    public int InitialSamples { get; init; } = 100_000;

    /// <summary>Model samples of the final rounds.</summary>
    public int MaxSamples { get; init; } = 1_600_000;

    /// <summary>Rounds at most.</summary>
    public int MaxRounds { get; init; } = 16;

    /// <summary>Stop when the moment mismatch beyond the Monte Carlo noise, in data standard errors (RMS z), is below this for the means and the pairs.</summary>
    public double TargetRmsZ { get; init; } = 0.25;

    /// <summary>Rounds at <see cref="MaxSamples"/> whose parameters are averaged (Polyak averaging) once the mismatch is down to the Monte Carlo noise.</summary>
    public int AveragingRounds { get; init; } = 4;

    /// <summary>While the RMS z of the means or pairs exceeds this, the Fisher matrix is re-estimated at the current model every round (far from the optimum a stale Fisher matrix can make the fixed-preconditioner iteration stall).</summary>
    public double RefreshFisherAboveZ { get; init; } = 2.0;

    /// <summary>Most rows used to estimate the Fisher matrix (an evenly strided subset of the round's samples; the cost grows linearly with it).</summary>
    public int MaxFisherSamples { get; init; } = 200_000;

    /// <summary>L2 penalty λ/2 Σ J_ij² per sample.</summary>
    public double L2 { get; init; }

    /// <summary>Largest change of any parameter in one step (the step is scaled down beyond it).</summary>
    public double MaxStep { get; init; } = 0.5;

    /// <summary>Thread limit (−1 = all cores); results do not depend on it.</summary>
    public int MaxThreads { get; init; } = -1;
}

/// <summary>
/// Boltzmann learning for dense models of up to a few hundred spins by Newton steps with the Fisher matrix: the
/// Hessian of the negative log-likelihood of an exponential family is the Fisher information I(θ) = Cov_θ(φ), so
/// θ ← θ + I⁻¹ (⟨φ⟩_data − ⟨φ⟩_θ) is Newton's method (and Amari's natural gradient) on the likelihood.
/// </summary>
/// <remarks>
/// <para>Start: pseudo-likelihood (consistent and close to the maximum-likelihood point) unless a start is given.
/// I is estimated from the round's model samples (exact integer feature covariance of up to
/// <see cref="FisherNewtonSettings.MaxFisherSamples"/> rows and a blocked Cholesky factorisation,
/// <see cref="FisherInformation"/>) while the mismatch is large (RMS z above
/// <see cref="FisherNewtonSettings.RefreshFisherAboveZ"/>), then kept: near the optimum a fixed preconditioner gives
/// linear convergence with rate ‖I₀⁻¹ I_θ − 1‖ ≪ 1, while far from it a stale I can stall the iteration (planted
/// N = 100, β = 1.5 from PLM: stuck at RMS z ≈ 11 with the start's I, converged with refreshes). Model moments come
/// from persistent chains whose sample size doubles every round up to <see cref="FisherNewtonSettings.MaxSamples"/>;
/// moments are counted on bit-packed spins (⟨s_i s_j⟩ = 1 − 2 popcount(b_i ⊕ b_j)/S).</para>
/// <para>Safeguard: while the RMS z exceeds 2, a step after which the mismatch grew is taken back to its midpoint and
/// the step length halved (it doubles back after a step that helps). This stops oscillation but cannot rescue a start
/// in the wrong basin: on sparse data (the 50-cell retina) the PLM start has a spurious high-activity mode and the
/// fit stalls, reporting non-convergence; use <see cref="HistogramReweighting"/> there.</para>
/// <para>Noise and stopping: a Newton step taken with Monte Carlo moments lands about one Monte Carlo error from the
/// optimum, so at full sample size the observed RMS z settles near √2 × the Monte Carlo part (measured from the
/// spread between chains). Once there, the next <see cref="FisherNewtonSettings.AveragingRounds"/> iterates are
/// averaged (Polyak–Ruppert), which divides that error by √rounds, and the averaged model is checked in one more
/// round: converged when its RMS z, after subtracting the Monte Carlo part, is below the target for the means and
/// the pairs. With M = 10⁵ data samples and 1.6·10⁶ model samples the remaining Monte Carlo error is about
/// √(M/S/4) = 0.13 of the statistical error (1 % in the RMS coupling error).</para>
/// <para>Why not histogram reweighting here: <see cref="HistogramReweighting"/> works in the 0/1 convention on sparse
/// pattern lists, ideal for retina data where a pattern has a few active cells; for a dense SK model at N = 100
/// (half the spins up) each pattern carries ~1250 active pair features and the inner problem is slow
/// (planted N = 100, β = 1.5: RMS z of the pairs still 24 after 6 rounds and 10 minutes).</para>
/// </remarks>
public static class FisherNewtonLearning
{
    /// <summary>Fits a raster.</summary>
    /// <param name="data">Training data (independent samples; the z-scores use the i.i.d. standard errors √((1 − ⟨φ⟩²)/M)).</param>
    /// <param name="settings">Settings (null = defaults).</param>
    /// <param name="seed">Seed of the chains.</param>
    /// <param name="start">Start (null = pseudo-likelihood with the same L2).</param>
    /// <param name="progress">Optional progress lines.</param>
    /// <returns>The fit; Trace.Objective = max(RMS z means, RMS z pairs), GradientNorm = RMS moment mismatch.</returns>
    public static FitResult<IsingModel> Fit(SpinRaster data, FisherNewtonSettings? settings, ulong seed, IsingModel? start = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        settings ??= new FisherNewtonSettings();
        var clock = Stopwatch.StartNew();
        int n = data.NeuronCount, p = IsingParameters.Count(n), m = data.TimeBins;
        if (n > FisherInformation.MaxSpins)
        {
            throw new ArgumentException($"N = {n} is too large for Fisher–Newton learning (dense Fisher matrix; at most {FisherInformation.MaxSpins} spins).", nameof(data));
        }

        double[] phiData = IsingParameters.PackMoments(data.Means(), data.SecondMoments());
        var se = new double[p];
        for (int k = 0; k < p; k++)
        {
            se[k] = Math.Sqrt(Math.Max(1 - phiData[k] * phiData[k], 1.0 / m) / m);
        }

        start ??= PseudoLikelihood.Fit(data, new PseudoLikelihoodSettings { L2 = settings.L2, MaxThreads = settings.MaxThreads }).Model;
        double[] theta = IsingParameters.Pack(start);
        IsingModel model = start;
        var chains = new MarkovChains(model, settings.Chains, seed);
        double[]? factor = null;
        int samples = settings.InitialSamples, burn = settings.BurnInSweeps, round = 0;
        bool converged = false;
        var trace = new List<FitTraceEntry>();
        double zMeans = double.NaN, zPairs = double.NaN, noiseMeans = double.NaN, noisePairs = double.NaN, fisherSeconds = 0;
        double[]? average = null;
        double[]? previous = null;
        double previousZ = double.PositiveInfinity, stepLength = 1;
        int averaged = 0, rejected = 0;
        bool final = false;
        while (true)
        {
            round++;
            chains.SetModel(model);
            int per = Math.Max(64, samples / settings.Chains / 64 * 64);
            SpinRaster sample = Sample(chains, per, burn, settings.SweepsPerSample, settings.MaxThreads);
            burn = Math.Max(1, settings.BurnInSweeps / 10);
            double[][] perChain = ChainMoments(sample, settings.Chains, per, n, settings.MaxThreads);
            var phiModel = new double[p];
            foreach (double[] phi in perChain)
            {
                for (int k = 0; k < p; k++)
                {
                    phiModel[k] += phi[k] / perChain.Length;
                }
            }

            (noiseMeans, noisePairs) = ChainNoise(perChain, phiModel, se, n);
            MomentZScores zs = MomentZScores.Compute(phiModel, phiData, se, n);
            zMeans = zs.RmsMeans;
            zPairs = zs.RmsPairs;
            double sq = 0;
            for (int k = 0; k < p; k++)
            {
                sq += (phiModel[k] - phiData[k]) * (phiModel[k] - phiData[k]);
            }

            trace.Add(new FitTraceEntry(round, Math.Max(zMeans, zPairs), Math.Sqrt(sq / p), clock.Elapsed.TotalSeconds));
            string stage = final ? "final check of the averaged model" : average is null ? "Newton" : $"Newton, averaging {averaged + 1}/{settings.AveragingRounds}";
            progress?.Invoke($"  round {round} ({stage}): {settings.Chains} x {per} samples, rms z means {zMeans:F3}, pairs {zPairs:F3} (Monte Carlo noise alone {noiseMeans:F3}, {noisePairs:F3}), {clock.Elapsed.TotalSeconds:F1} s");
            double t2 = settings.TargetRmsZ * settings.TargetRmsZ;
            if (final)
            {
                converged = zMeans * zMeans - noiseMeans * noiseMeans <= t2 && zPairs * zPairs - noisePairs * noisePairs <= t2;
                break;
            }

            // Globalisation: far from the optimum (RMS z > 2) a step that made the mismatch worse is taken back to its
            // midpoint, and the step length is halved until a step helps again (then it doubles back towards 1).
            double zMax = Math.Max(zMeans, zPairs);
            if (previous is not null && average is null && zMax > 2 && zMax > previousZ)
            {
                stepLength *= 0.5;
                rejected++;
                for (int k = 0; k < p; k++)
                {
                    theta[k] = previous[k] + 0.5 * (theta[k] - previous[k]);
                }

                model = IsingParameters.Unpack(theta, n);
                progress?.Invoke($"  round {round}: the mismatch grew (rms z {zMax:F3} > {previousZ:F3}); step halved");
                if (round >= settings.MaxRounds)
                {
                    theta = previous;
                    model = IsingParameters.Unpack(theta, n);
                    break;
                }

                continue;
            }

            previous = (double[])theta.Clone();
            previousZ = zMax;

            // Once at full sample size, a noisy Newton iterate sits about one Monte Carlo error from the optimum, so the
            // observed z² approaches twice the noise²: from then on the iterates are averaged.
            if (average is null && per >= Math.Max(64, settings.MaxSamples / settings.Chains / 64 * 64)
                && zMeans * zMeans <= 2 * noiseMeans * noiseMeans + t2
                && zPairs * zPairs <= 2 * noisePairs * noisePairs + t2)
            {
                average = new double[p];
            }

            if (factor is null || (average is null && Math.Max(zMeans, zPairs) > settings.RefreshFisherAboveZ))
            {
                var fc = Stopwatch.StartNew();
                factor = FisherInformation.FeatureCovariance(Strided(sample, settings.MaxFisherSamples), settings.MaxThreads);

                // A tiny ridge keeps the factorisation defined when a feature is (nearly) constant in the sample.
                double ridge = 1e-9;
                for (int k = 0; k < p; k++)
                {
                    ridge = Math.Max(ridge, 1e-9 * factor[(long)k * p + k]);
                }

                for (int k = 0; k < p; k++)
                {
                    factor[(long)k * p + k] += ridge + (k >= n ? settings.L2 : 0);
                }

                FisherInformation.CholeskyInPlace(factor, p, settings.MaxThreads);
                fisherSeconds += fc.Elapsed.TotalSeconds;
                progress?.Invoke($"  Fisher matrix ({p} parameters, {Math.Min(sample.TimeBins, settings.MaxFisherSamples)} samples) factorised in {fc.Elapsed.TotalSeconds:F1} s");
            }

            var g = new double[p];
            for (int k = 0; k < p; k++)
            {
                g[k] = phiData[k] - phiModel[k] - (k >= n ? settings.L2 * theta[k] : 0);
            }

            double[] step = FisherInformation.CholeskySolve(factor, p, g);
            double max = 0;
            foreach (double v in step)
            {
                max = Math.Max(max, Math.Abs(v));
            }

            double scale = (max > settings.MaxStep ? settings.MaxStep / max : 1) * stepLength;
            stepLength = Math.Min(1, 2 * stepLength);
            for (int k = 0; k < p; k++)
            {
                theta[k] += scale * step[k];
            }

            if (average is not null)
            {
                averaged++;
                for (int k = 0; k < p; k++)
                {
                    average[k] += theta[k] / settings.AveragingRounds;
                }

                if (averaged == settings.AveragingRounds)
                {
                    theta = average;
                    final = true;
                }
            }

            model = IsingParameters.Unpack(theta, n);
            samples = Math.Min(2 * samples, settings.MaxSamples);
            if (round >= settings.MaxRounds && !final)
            {
                break;
            }
        }

        var notes = new Dictionary<string, double>
        {
            ["rms_z_means"] = zMeans,
            ["rms_z_pairs"] = zPairs,
            ["rms_z_means_monte_carlo_noise"] = noiseMeans,
            ["rms_z_pairs_monte_carlo_noise"] = noisePairs,
            ["rounds"] = round,
            ["averaged_rounds"] = averaged,
            ["rejected_steps"] = rejected,
            ["samples_per_round"] = samples,
            ["fisher_seconds"] = fisherSeconds,
            ["seconds"] = clock.Elapsed.TotalSeconds,
        };
        return new FitResult<IsingModel>(model, converged, round, trace, "bm", notes);
    }

    private static SpinRaster Sample(MarkovChains chains, int per, int burn, int thin, int maxThreads)
    {
        int c = chains.Chains, n = chains.State(0).Length;
        var spins = new sbyte[(long)c * per * n];
        Parallel.For(0, c, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, k =>
        {
            chains.Run(k, SamplerKind.Metropolis, burn);
            for (int s = 0; s < per; s++)
            {
                chains.Run(k, SamplerKind.Metropolis, thin);
                chains.State(k).CopyTo(spins.AsSpan((k * per + s) * n, n));
            }
        });
        return new SpinRaster(c * per, n, spins, IsingSampler.ChainStarts(c, per));
    }

    /// <summary>At most <paramref name="rows"/> rows of <paramref name="sample"/>, evenly strided over all chains.</summary>
    private static SpinRaster Strided(SpinRaster sample, int rows)
    {
        if (sample.TimeBins <= rows)
        {
            return sample;
        }

        int n = sample.NeuronCount;
        var spins = new sbyte[(long)rows * n];
        for (int r = 0; r < rows; r++)
        {
            sample.Row((int)((long)r * sample.TimeBins / rows)).CopyTo(spins.AsSpan(r * n, n));
        }

        return new SpinRaster(rows, n, spins);
    }

    /// <summary>Features ⟨φ⟩ of every chain's samples, from bit-packed spins: ⟨s_i s_j⟩ = 1 − 2 popcount(b_i ⊕ b_j)/S.</summary>
    private static double[][] ChainMoments(SpinRaster sample, int chains, int per, int n, int maxThreads)
    {
        int p = IsingParameters.Count(n), words = (per + 63) / 64;
        var result = new double[chains][];
        Parallel.For(0, chains, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, c =>
        {
            var bits = new ulong[n * words];
            FisherInformation.PackSpins(sample, c * per, per, bits, words);

            var phi = new double[p];
            int k = n;
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<ulong> bi = bits.AsSpan(i * words, words);
                long ci = 0;
                foreach (ulong x in bi)
                {
                    ci += System.Numerics.BitOperations.PopCount(x);
                }

                phi[i] = 1 - 2.0 * ci / per;
                for (int j = i + 1; j < n; j++, k++)
                {
                    ReadOnlySpan<ulong> bj = bits.AsSpan(j * words, words);
                    long cij = 0;
                    for (int w = 0; w < words; w++)
                    {
                        cij += System.Numerics.BitOperations.PopCount(bi[w] ^ bj[w]);
                    }

                    phi[k] = 1 - 2.0 * cij / per;
                }
            }

            result[c] = phi;
        });
        return result;
    }

    /// <summary>RMS over features of (standard error of the model moment from the spread of the chain means) / (data standard error).</summary>
    private static (double Means, double Pairs) ChainNoise(double[][] perChain, double[] phiModel, double[] se, int n)
    {
        int chains = perChain.Length, p = phiModel.Length;
        var v = new double[p];
        foreach (double[] phi in perChain)
        {
            for (int k = 0; k < p; k++)
            {
                double d = phi[k] - phiModel[k];
                v[k] += d * d;
            }
        }

        double zm = 0, zp = 0;
        for (int k = 0; k < p; k++)
        {
            double z2 = v[k] / (chains - 1.0) / chains / (se[k] * se[k]);
            if (k < n)
            {
                zm += z2;
            }
            else
            {
                zp += z2;
            }
        }

        return (Math.Sqrt(zm / n), Math.Sqrt(zp / (p - n)));
    }
}
