using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;
using StatNeuro.Plotting;

namespace StatNeuro.Cli.Reproduce;

/// <summary>
/// Inverse Ising: recovery of planted SK models (exact ML, PLM, nMF, TAP, SM, IP against the Cramér–Rao limit) and
/// the pairwise fit of the 50-cell salamander retina (Tkačik et al. 2014), with held-out likelihood, P(K) and
/// triplets.
/// </summary>
internal sealed class InferenceSection : IReproduceSection
{
    internal const string RetinaPath = "../shared/data/retina_tkacik2014/original_data_num_neurons_50_1.mat";

    public string Name => "inference";

    public string Title => "Inverse Ising: planted-model recovery and the salamander retina";

    public void Run(SectionContext context)
    {
        Planted(context);
        if (context.Full)
        {
            PlantedLarge(context);
        }
        else
        {
            context.Text("Planted SK models at N = 100 (converged MCMC samples, PLM and Fisher–Newton Boltzmann learning vs the Cramér–Rao limit): run with --full (about 10 minutes on 2 cores); the last measured numbers are in docs/inference.md.");
        }

        Retina(context);
    }

    /// <summary>
    /// Planted SK models at N = 100: M = 10⁵ Metropolis samples (20 chains, R̂ and ESS reported), the Cramér–Rao
    /// limit from 2·10⁵ independent samples of the true model, PLM and Fisher–Newton Boltzmann learning.
    /// </summary>
    private static void PlantedLarge(SectionContext context)
    {
        const int N = 100, M = 100_000;
        double[] betas = [0.5, 1.0, 1.5];
        string[] header = ["beta", "rms_J_true", "cramer_rao_rms", "plm_rms_error", "plm_ratio", "bm_rms_error", "bm_ratio", "plm_seconds", "bm_seconds", "bm_converged", "energy_rhat", "max_mean_rhat", "energy_ess", "sweeps_per_sample"];
        var cols = header.Select(_ => new List<double>()).ToArray();
        foreach (double beta in betas)
        {
            string key = $"planted_n100_beta{beta:0.0}";
            IsingModel truth = IsingModel.SherringtonKirkpatrick(N, beta, 0.3, context.Seed + 1000 + (ulong)(beta * 10));

            // Thinning: 10 sweeps (β ≤ 1) or 30 sweeps (β = 1.5, where the energy autocorrelation is ~35 sweeps).
            int thin = beta > 1.2 ? 30 : 10;
            SampleSet data = IsingSampler.Sample(truth, new SamplerSettings { Chains = 20, BurnInSweeps = 5000, SweepsPerSample = thin, SamplesPerChain = M / 20 }, context.Seed + 11, context.Threads);
            SampleSet fisherSamples = IsingSampler.Sample(truth, new SamplerSettings { Chains = 40, BurnInSweeps = 5000, SweepsPerSample = thin, SamplesPerChain = 2 * M / 40 }, context.Seed + 12, context.Threads);
            CramerRaoLimit limit = FisherInformation.Limit(fisherSamples.Samples, M, context.Threads);
            var clock = Stopwatch.StartNew();
            FitResult<IsingModel> plm = PseudoLikelihood.Fit(data.Samples, new PseudoLikelihoodSettings { L2 = 0, MaxThreads = context.Threads });
            double plmSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            FitResult<IsingModel> bm = FisherNewtonLearning.Fit(data.Samples, new FisherNewtonSettings { MaxThreads = context.Threads }, context.Seed + 13, plm.Model, context.Progress);
            double bmSeconds = clock.Elapsed.TotalSeconds;
            double plmErr = RmsOffDiagonal(truth, plm.Model), bmErr = RmsOffDiagonal(truth, bm.Model);
            double[] row = [beta, RmsOffDiagonal(truth, null), limit.CouplingRms, plmErr, plmErr / limit.CouplingRms, bmErr, bmErr / limit.CouplingRms, plmSeconds, bmSeconds, bm.Converged ? 1 : 0, data.Diagnostics.EnergyRHat, data.Diagnostics.MaxMeanRHat, data.Diagnostics.EnergyEffectiveSampleSize, thin];
            for (int k = 0; k < row.Length; k++)
            {
                cols[k].Add(row[k]);
            }

            context.Number(key + "_cramer_rao_rms", limit.CouplingRms);
            context.Number(key + "_cramer_rao_rms_uncorrected", limit.CouplingRmsUncorrected);
            context.Number(key + "_plm_ratio", plmErr / limit.CouplingRms);
            context.Number(key + "_bm_ratio", bmErr / limit.CouplingRms);
            context.Number(key + "_bm_converged", bm.Converged);
            context.Number(key + "_bm_seconds", bmSeconds);
            context.Number(key + "_plm_seconds", plmSeconds);
            context.Number(key + "_energy_rhat", data.Diagnostics.EnergyRHat);
            context.Number(key + "_max_mean_rhat", data.Diagnostics.MaxMeanRHat);
            context.Number(key + "_limit_seconds", limit.Seconds);
            context.Progress($"planted N = 100, beta = {beta}: PLM {plmErr / limit.CouplingRms:F3} x CR, BM {bmErr / limit.CouplingRms:F3} x CR");
        }

        context.Table("planted_n100.csv", $"Planted SK models, N = {N}, M = {M} Metropolis samples (20 chains): RMS error of J from PLM and from Fisher–Newton Boltzmann learning, and their ratio to the Cramér–Rao limit (Fisher matrix from 2·10⁵ independent samples of the true model, inverse-Wishart bias removed).", header, cols.Select(c => (IReadOnlyList<double>)c).ToList());
    }

    private static double RmsOffDiagonal(IsingModel a, IsingModel? b)
    {
        int n = a.Size;
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double d = a.Coupling(i, j) - (b?.Coupling(i, j) ?? 0);
                s += d * d;
            }
        }

        return Math.Sqrt(s / (n * (n - 1) / 2));
    }

    /// <summary>Cramér–Rao RMS limit for J from the plug-in Fisher matrix (feature covariance of up to 20 000 rows).</summary>
    internal static double FisherLimit(SpinRaster data, int samples)
    {
        int n = data.NeuronCount, p = n + n * (n - 1) / 2, rows = Math.Min(20_000, data.TimeBins);
        Matrix<double> x = Matrix<double>.Build.Dense(rows, p);
        for (int t = 0; t < rows; t++)
        {
            ReadOnlySpan<sbyte> s = data.Row(t);
            int k = n;
            for (int i = 0; i < n; i++)
            {
                x[t, i] = s[i];
                for (int j = i + 1; j < n; j++)
                {
                    x[t, k++] = s[i] * s[j];
                }
            }
        }

        Vector<double> mean = x.ColumnSums() / rows;
        for (int c = 0; c < p; c++)
        {
            x.SetColumn(c, x.Column(c) - mean[c]);
        }

        Matrix<double> inv = (x.TransposeThisAndMultiply(x) / rows).Inverse();
        double sum = 0;
        for (int a = n; a < p; a++)
        {
            sum += inv[a, a];
        }

        return Math.Sqrt(sum / (p - n) / samples);
    }

    private static void Planted(SectionContext context)
    {
        const int N = 20;
        int m = 100_000;
        double[] betas = [0.5, 1.0, 1.5];
        string[] methods = ["exact", "plm", "nmf", "tap", "sm", "ip"];
        var rows = new List<double>[3 + 2 * methods.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            rows[k] = [];
        }

        IsingModel? scatterTruth = null;
        var scatter = new Dictionary<string, IsingModel>();
        foreach (double beta in betas)
        {
            IsingModel truth = IsingModel.SherringtonKirkpatrick(N, beta, 0.3, context.Seed + (ulong)(beta * 10));
            SpinRaster data = ExactEnumeration.Sample(truth, m, context.Seed + 100);
            double rmsTrue = RmsOffDiagonal(truth, null);
            double limit = FisherLimit(data, m);
            rows[0].Add(beta);
            rows[1].Add(rmsTrue);
            rows[2].Add(limit);
            for (int k = 0; k < methods.Length; k++)
            {
                var clock = Stopwatch.StartNew();
                FitResult<IsingModel> fit = methods[k] switch
                {
                    "exact" => ExactMaximumLikelihood.Fit(data),
                    "plm" => PseudoLikelihood.Fit(data, new PseudoLikelihoodSettings { L2 = 0, MaxThreads = context.Threads }),
                    "nmf" => MeanFieldInversion.Fit(data, MeanFieldMethod.NaiveMeanField),
                    "tap" => MeanFieldInversion.Fit(data, MeanFieldMethod.Tap),
                    "sm" => MeanFieldInversion.Fit(data, MeanFieldMethod.SessakMonasson),
                    _ => MeanFieldInversion.Fit(data, MeanFieldMethod.IndependentPair),
                };
                double seconds = clock.Elapsed.TotalSeconds;
                double err = RmsOffDiagonal(truth, fit.Model);
                rows[3 + 2 * k].Add(err);
                rows[4 + 2 * k].Add(seconds);
                string key = $"planted_n20_beta{beta:0.0}_{methods[k]}";
                context.Number(key + "_rms_j_error", err);
                context.Number(key + "_seconds", seconds);
                if (methods[k] == "exact")
                {
                    context.Number(key + "_gradient_norm", fit.Trace[^1].GradientNorm);
                    context.Number(key + "_iterations", fit.Iterations);
                }

                if (Math.Abs(beta - 1.0) < 1e-9)
                {
                    scatter[methods[k]] = fit.Model;
                }
            }

            context.Number($"planted_n20_beta{beta:0.0}_fisher_limit", limit);
            context.Progress($"planted N = {N}, beta = {beta}: done");
            if (Math.Abs(beta - 1.0) < 1e-9)
            {
                scatterTruth = truth;
            }
        }

        var header = new List<string> { "beta", "rms_J_true", "cramer_rao_rms" };
        foreach (string me in methods)
        {
            header.Add($"{me}_rms_error");
            header.Add($"{me}_seconds");
        }

        context.Table("planted_recovery.csv", $"Planted SK models, N = {N}, h ~ N(0, 0.3²), J ~ N(0, β²/N), M = {m} exact samples: RMS error of J per method vs the Cramér–Rao limit.", header, rows.Select(r => (IReadOnlyList<double>)r).ToList());

        var series = new List<Series>();
        foreach (string me in new[] { "exact", "plm", "nmf", "tap" })
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (int i = 0; i < N; i++)
            {
                for (int j = i + 1; j < N; j++)
                {
                    xs.Add(scatterTruth!.Coupling(i, j));
                    ys.Add(scatter[me].Coupling(i, j));
                }
            }

            series.Add(new Series(me, xs, ys, Markers: true));
        }

        series.Add(new Series("identity", [-1, 1], [-1, 1], Dashed: true));
        context.Figure(new FigureSpec { Title = "Planted SK, N = 20, β = 1, M = 1e5", XLabel = "true J_ij", YLabel = "inferred J_ij", Series = series }, "planted_scatter", "True vs inferred couplings (β = 1). Exact ML and PLM lie on the diagonal within the sampling noise; nMF/TAP are biased.");
    }

    private static void Retina(SectionContext context)
    {
        if (!File.Exists(RetinaPath))
        {
            context.Text($"Retina part skipped: {RetinaPath} is absent.");
            context.Number("retina_skipped", true);
            return;
        }

        SpinRaster all = RasterFile.Read(RetinaPath).WithSegmentLength(953);
        (SpinRaster train, SpinRaster test) = all.SplitByRepeat();
        int n = all.NeuronCount;
        context.Progress($"retina: N = {n}, train {train.TimeBins} bins (even repeats), test {test.TimeBins} (odd repeats)");
        var sectionClock = Stopwatch.StartNew();
        LogPartitionCheck(context, train, test);
        context.Number("retina20_check_seconds", sectionClock.Elapsed.TotalSeconds);

        // Boltzmann learning by Monte Carlo histogram reweighting in 0/1 units, from the independent model.
        var settings = new HistogramReweightingSettings
        {
            MaxThreads = context.Threads,
            MaxSamplesPerChain = context.Full ? 80_000 : 40_000,
            TargetRmsZ = context.Full ? 0.3 : 0.5,
            MaxRounds = context.Full ? 60 : 40,
        };
        var clock = Stopwatch.StartNew();
        FitResult<IsingModel> fit = BoltzmannLearning.Fit(train, new BoltzmannLearningSettings { MonteCarlo = settings }, context.Seed, null, context.Progress);
        double fitSeconds = clock.Elapsed.TotalSeconds;
        IsingModel model = fit.Model;
        context.Number("retina_bm_seconds", fitSeconds);
        context.Number("retina_bm_rounds", fit.Iterations);
        context.Number("retina_bm_converged", fit.Converged);
        foreach (string key in new[] { "rms_z_means", "rms_z_pairs", "rms_z_means_monte_carlo_noise", "rms_z_pairs_monte_carlo_noise" })
        {
            context.Number("retina_bm_fit_" + key, fit.Notes[key]);
        }

        context.Figure(new FigureSpec
        {
            Title = "Retina: Boltzmann learning by histogram reweighting",
            XLabel = "round",
            YLabel = "max(RMS z means, RMS z pairs)",
            LogY = true,
            Series = [new Series("moment mismatch", fit.Trace.Select(t => (double)t.Iteration).ToList(), fit.Trace.Select(t => t.Objective).ToList(), Markers: true)],
        }, "retina_bm_trace", "Moment mismatch per round in units of the data's repeat standard errors (includes the Monte Carlo noise of the round's sample).");

        // An independent check sample of the final model (fresh chains and seed).
        int per = context.Full ? 100_000 : 40_000;
        var chains = new MarkovChains(model, 64, context.Seed + 7);
        BinaryPatterns[] perChain = BinaryPatterns.SampleChains(chains, per, 1000, 1, context.Threads);
        BinaryPatterns sample = BinaryPatterns.Merge(perChain);
        BinaryPatterns trainPatterns = BinaryPatterns.FromRaster(train), testPatterns = BinaryPatterns.FromRaster(test);
        double[] fModel = sample.FeatureMeans(), fTrain = trainPatterns.FeatureMeans(), fTest = testPatterns.FeatureMeans();
        (double[] seTrain, double[] seCTrain) = BinaryPatterns.BlockStandardErrors(train);
        (double[] seTest, double[] seCTest) = BinaryPatterns.BlockStandardErrors(test);
        MomentZScores zTrain = MomentZScores.Compute(fModel, fTrain, seTrain, n);
        (double noiseM, double noiseP) = HistogramReweighting.MonteCarloNoise(perChain, fModel, seTrain, n);
        double[] cModel = Connected(fModel, n), cTrain = Connected(fTrain, n), cTest = Connected(fTest, n);
        double[] zC = new double[cModel.Length], zCTest = new double[cModel.Length], zMTest = new double[n];
        for (int k = 0; k < cModel.Length; k++)
        {
            zC[k] = (cModel[k] - cTrain[k]) / seCTrain[n + k];
            zCTest[k] = (cModel[k] - cTest[k]) / Math.Sqrt(seCTrain[n + k] * seCTrain[n + k] + seCTest[n + k] * seCTest[n + k]);
        }

        for (int i = 0; i < n; i++)
        {
            zMTest[i] = (fModel[i] - fTest[i]) / Math.Sqrt(seTrain[i] * seTrain[i] + seTest[i] * seTest[i]);
        }

        double Rms(IEnumerable<double> x) => Math.Sqrt(x.Select(v => v * v).Average());
        double Within2(IEnumerable<double> x) => x.Count(v => Math.Abs(v) <= 2) / (double)x.Count();
        double[] zMeans = zTrain.Z[..n];
        context.Number("retina_check_samples", sample.Total);
        context.Number("retina_z_means_rms", zTrain.RmsMeans);
        context.Number("retina_z_means_max_abs", zTrain.MaxAbsMeans);
        context.Number("retina_z_connected_rms", Rms(zC));
        context.Number("retina_z_connected_max_abs", zC.Max(Math.Abs));
        context.Number("retina_z_connected_fraction_within_2", Within2(zC));
        context.Number("retina_z_means_monte_carlo_noise_rms", noiseM);
        context.Number("retina_z_pairs_monte_carlo_noise_rms", noiseP);
        context.Number("retina_test_z_means_rms", Rms(zMTest));
        context.Number("retina_test_z_connected_rms", Rms(zCTest));
        context.Number("retina_test_z_connected_fraction_within_2", Within2(zCTest));

        // log Z two ways, and the held-out likelihood.
        clock.Restart();
        Estimate ais = PartitionFunctionEstimator.AnnealedImportanceSampling(model, context.Seed + 11, context.Full ? 256 : 64, context.Full ? 5000 : 2000);
        double aisSeconds = clock.Elapsed.TotalSeconds;
        Estimate low = PartitionFunctionEstimator.LowActivity(model, perChain, 3);
        context.Number("retina_log_partition_ais", ais.Value);
        context.Number("retina_log_partition_ais_standard_error", ais.StandardError);
        context.Number("retina_log_partition_ais_seconds", aisSeconds);
        context.Number("retina_log_partition_low_activity", low.Value);
        context.Number("retina_log_partition_low_activity_standard_error", low.StandardError);
        double[] mData = train.Means();

        // The held-out likelihood uses the more precise of the two estimates (both checked against enumeration at 20 cells).
        Estimate logZ = low.StandardError < ais.StandardError ? low : ais;
        context.Number("retina_log_partition_used", low.StandardError < ais.StandardError ? "low-activity" : "ais");
        var held = ModelEvaluation.HeldOut(model, logZ, mData, train.TimeBins, test);
        var onTrain = ModelEvaluation.HeldOut(model, logZ, mData, train.TimeBins, train);
        context.Number("retina_test_log_likelihood_pairwise_with_ais", ModelEvaluation.HeldOut(model, ais, mData, train.TimeBins, test).Pairwise);
        context.Number("retina_test_log_likelihood_pairwise", held.Pairwise);
        context.Number("retina_test_log_likelihood_independent", held.Independent);
        context.Number("retina_test_log_likelihood_gain", held.Difference);
        context.Number("retina_test_log_likelihood_gain_standard_error", held.StandardError);
        context.Number("retina_train_log_likelihood_pairwise", onTrain.Pairwise);
        context.Number("retina_train_log_likelihood_independent", onTrain.Independent);
        double[] pkData = testPatterns.UpCountDistribution(), pkTrain = trainPatterns.UpCountDistribution(), pkModel = sample.UpCountDistribution(), pkInd = IndependentUpCount(mData);
        context.Number("retina_p_k0_data", pkData[0]);
        context.Number("retina_p_k0_train", pkTrain[0]);
        context.Number("retina_p_k0_pairwise", pkModel[0]);
        context.Number("retina_p_k0_independent", pkInd[0]);
        context.TextTable("Retina, 50 cells, pairwise model fitted by Boltzmann learning (histogram reweighting) on the even repeats; log-likelihoods in nats per 20 ms bin; z = (model − data)/SE with SE the standard error over repeats.",
            ["quantity", "value"],
            [
                ["held-out log-likelihood, pairwise", $"{held.Pairwise:F4} ± {logZ.StandardError:F4} (log Z, {(ReferenceEquals(logZ, low) ? "low-activity" : "AIS")})"],
                ["held-out log-likelihood, independent", $"{held.Independent:F4}"],
                ["gain pairwise − independent (SE over test repeats and log Z)", $"{held.Difference:F4} ± {held.StandardError:F4}"],
                ["training log-likelihood pairwise / independent", $"{onTrain.Pairwise:F4} / {onTrain.Independent:F4}"],
                ["log Z: AIS / low-activity estimator", $"{ais.Value:F4} ± {ais.StandardError:F4} / {low.Value:F4} ± {low.StandardError:F4}"],
                ["RMS z means / connected correlations (training; MC noise alone)", $"{zTrain.RmsMeans:F2} / {Rms(zC):F2} ({noiseM:F2} / {noiseP:F2})"],
                ["fraction of connected-correlation |z| ≤ 2 (training / held-out)", $"{Within2(zC):F3} / {Within2(zCTest):F3}"],
                ["P(K = 0): test data / train data / pairwise / independent", $"{pkData[0]:F4} / {pkTrain[0]:F4} / {pkModel[0]:F4} / {pkInd[0]:F4}"],
                ["fit: rounds / seconds / converged", $"{fit.Iterations} / {fitSeconds:F1} / {fit.Converged}"],
            ]);
        context.Text($"Retina (50 cells, fit on even repeats, test on odd): held-out log-likelihood per 20 ms bin {held.Pairwise:F4} (pairwise) vs {held.Independent:F4} (independent), gain {held.Difference:F4} ± {held.StandardError:F4} nats/bin. Model: Boltzmann learning by Monte Carlo histogram reweighting from the independent model ({(context.Full ? "--full: 32 × 80 000 samples per round, target RMS z 0.3" : "default: 32 × 40 000 samples per round, target RMS z 0.5")}).");

        var ks = Enumerable.Range(0, 19).Select(k => (double)k).ToList();
        context.Figure(new FigureSpec
        {
            Title = "Retina: distribution of the number of active cells per bin",
            XLabel = "K (cells spiking in a 20 ms bin)",
            YLabel = "P(K)",
            LogY = true,
            Series =
            [
                new Series("data (test repeats)", ks, ks.Select(k => pkData[(int)k]).ToList(), Markers: true),
                new Series("pairwise model (predicted)", ks, ks.Select(k => Math.Max(pkModel[(int)k], 1e-9)).ToList()),
                new Series("independent model", ks, ks.Select(k => pkInd[(int)k]).ToList(), Dashed: true),
            ],
        }, "retina_p_k", "P(K): predicted (not fitted) by the pairwise model vs the held-out repeats; the independent model underestimates silence and large K.");
        var pkRows = new List<double>[5];
        for (int c = 0; c < 5; c++)
        {
            pkRows[c] = [];
        }

        for (int k = 0; k <= n; k++)
        {
            pkRows[0].Add(k);
            pkRows[1].Add(pkData[k]);
            pkRows[2].Add(pkTrain[k]);
            pkRows[3].Add(pkModel[k]);
            pkRows[4].Add(pkInd[k]);
        }

        context.Table("retina_p_k.csv", "P(K): test data, training data, pairwise model (Monte Carlo), independent model.", ["k", "test", "train", "pairwise", "independent"], pkRows.Select(r => (IReadOnlyList<double>)r).ToList(), 12);

        double[] tModel = sample.ConnectedTriplets(), tTest = testPatterns.ConnectedTriplets(), tTrain = trainPatterns.ConnectedTriplets();
        double[] tInd = new double[tTest.Length];
        context.Number("retina_triplet_correlation_r_test", Pearson(tTest, tModel));
        context.Number("retina_triplet_correlation_r_train", Pearson(tTrain, tModel));
        context.Number("retina_triplet_correlation_r_train_test", Pearson(tTrain, tTest));
        context.Number("retina_triplet_rms_error_test", Math.Sqrt(tTest.Zip(tModel, (a, b) => (a - b) * (a - b)).Average()));
        context.Number("retina_triplet_rms_error_independent_test", Math.Sqrt(tTest.Select(a => a * a).Average()));
        context.Number("retina_triplet_slope_test", tTest.Zip(tModel, (a, b) => a * b).Sum() / tTest.Sum(a => a * a));
        context.Number("retina_triplet_rms_test_vs_train", Math.Sqrt(tTest.Zip(tTrain, (a, b) => (a - b) * (a - b)).Average()));
        double tl = Math.Min(tTest.Min(), tModel.Min()), th = Math.Max(tTest.Max(), tModel.Max());
        context.Figure(new FigureSpec
        {
            Title = "Retina: connected triplets, all 19 600 (±1 units)",
            XLabel = "data (test repeats) <δs_i δs_j δs_k>",
            YLabel = "pairwise model (predicted)",
            Series = [new Series("triplets", tTest, tModel, Markers: true), new Series("identity", [tl, th], [tl, th], Dashed: true)],
        }, "retina_triplets", "Connected three-cell correlations ⟨δs_i δs_j δs_k⟩ = 8⟨δσ_i δσ_j δσ_k⟩ in ±1 units, held-out data vs the pairwise model's prediction (the independent model predicts 0).");

        var cd = new List<double>();
        var cm = new List<double>();
        for (int k = 0; k < cModel.Length; k++)
        {
            cd.Add(cTrain[k]);
            cm.Add(cModel[k]);
        }

        context.Figure(new FigureSpec
        {
            Title = "Retina: fitted connected correlations (±1 units)",
            XLabel = "data C_ij (training repeats)",
            YLabel = "model C_ij",
            Series = [new Series("pairs", cd, cm, Markers: true), new Series("identity", [cd.Min(), cd.Max()], [cd.Min(), cd.Max()], Dashed: true)],
        }, "retina_correlations", "Connected correlations C_ij = 4(p_ij − p_i p_j) of the training data vs the fitted model (independent Monte Carlo check sample).");
        double[] mModel = fModel[..n].Select(q => 2 * q - 1).ToArray();
        context.Figure(new FigureSpec
        {
            Title = "Retina: fitted means (±1 units)",
            XLabel = "data <s_i>",
            YLabel = "model <s_i>",
            Series = [new Series("cells", mData, mModel, Markers: true), new Series("identity", [-1, -0.6], [-1, -0.6], Dashed: true)],
        }, "retina_means", "Mean spin per cell, training data vs fitted model.");
        var zs = zMeans.Concat(zC).OrderBy(v => v).ToList();
        var quant = Enumerable.Range(0, zs.Count).Select(k => MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, (k + 0.5) / zs.Count)).ToList();
        context.Figure(new FigureSpec
        {
            Title = "Retina: z-scores of the fitted moments (training), normal quantile plot",
            XLabel = "N(0,1) quantile",
            YLabel = "z = (model − data) / SE_repeats",
            Series = [new Series("means and connected correlations", quant, zs, Markers: true), new Series("identity", [-4, 4], [-4, 4], Dashed: true)],
        }, "retina_z_scores", "Moment mismatch of the final model in units of the data's standard error over repeats; the Monte Carlo noise of the check sample is included.");

        if (context.Full)
        {
            // For comparison: the unregularised PLM model (a bad generative model at 50 cells, see docs/inference.md).
            clock.Restart();
            FitResult<IsingModel> plm = PseudoLikelihood.Fit(train, new PseudoLikelihoodSettings { MaxThreads = context.Threads });
            context.Number("retina_plm_seconds", clock.Elapsed.TotalSeconds);
            Estimate plmZ = PartitionFunctionEstimator.AnnealedImportanceSampling(plm.Model, context.Seed + 13, 64, 2000);
            var plmHeld = ModelEvaluation.HeldOut(plm.Model, plmZ, mData, train.TimeBins, test);
            context.Number("retina_plm_test_log_likelihood", plmHeld.Pairwise);
            context.Number("retina_plm_log_partition_ais", plmZ.Value);
            context.Number("retina_plm_log_partition_ais_standard_error", plmZ.StandardError);
        }
    }

    /// <summary>
    /// Checks the log Z estimators against exact enumeration on the first 20 cells: exact ML and histogram-reweighting
    /// fits, exact log Z vs AIS and the low-activity estimator, and the held-out likelihoods.
    /// </summary>
    private static void LogPartitionCheck(SectionContext context, SpinRaster train, SpinRaster test)
    {
        int[] cells = [.. Enumerable.Range(0, 20)];
        SpinRaster tr = train.SelectNeurons(cells), te = test.SelectNeurons(cells);
        var clock = Stopwatch.StartNew();
        FitResult<IsingModel> mch = HistogramReweighting.Fit(tr, new HistogramReweightingSettings { MaxThreads = context.Threads }, context.Seed + 3);
        context.Number("retina20_mch_seconds", clock.Elapsed.TotalSeconds);
        clock.Restart();
        FitResult<IsingModel> exact = ExactMaximumLikelihood.Fit(tr, new ExactLikelihoodSettings { GradientTolerance = 1e-6, MaxIterations = context.Full ? 2000 : 300 });
        context.Number("retina20_exact_seconds", clock.Elapsed.TotalSeconds);
        context.Number("retina20_exact_gradient_norm", exact.Trace[^1].GradientNorm);
        double[] pkData = BinaryPatterns.FromRaster(te).UpCountDistribution();
        double[] tData = BinaryPatterns.FromRaster(te).ConnectedTriplets();
        context.Number("retina20_p_k0_test", pkData[0]);
        var header = new List<string> { "model", "exact_log_z", "ais_log_z", "ais_se", "low_activity_log_z", "low_activity_se", "test_ll_exact_z", "test_ll_independent" };
        var rows = new List<IReadOnlyList<string>>();
        double[] means = tr.Means();
        foreach ((string name, IsingModel m) in new[] { ("exact ML", exact.Model), ("histogram reweighting", mch.Model) })
        {
            double z = ExactEnumeration.Compute(m).LogPartition;
            Estimate ais = PartitionFunctionEstimator.AnnealedImportanceSampling(m, context.Seed + 17, 64, 2000);
            var chains = new MarkovChains(m, 32, context.Seed + 19);
            Estimate low = PartitionFunctionEstimator.LowActivity(m, BinaryPatterns.SampleChains(chains, 20_000, 1000, 1, context.Threads), 3);
            var held = ModelEvaluation.HeldOut(m, new Estimate(z, 0), means, tr.TimeBins, te);
            string key = name == "exact ML" ? "exact" : "mch";
            ExactStatistics stats = ExactEnumeration.Compute(m);
            context.Number($"retina20_{key}_p_k0", stats.UpCountDistribution[0]);
            double[] tModel = BinaryPatterns.FromRaster(ExactEnumeration.Sample(m, 1_000_000, context.Seed + 23)).ConnectedTriplets();
            context.Number($"retina20_{key}_triplet_r_test", Pearson(tData, tModel));
            context.Number($"retina20_{key}_triplet_rms_error_test", Math.Sqrt(tData.Zip(tModel, (a, b) => (a - b) * (a - b)).Average()));
            context.Number($"retina20_{key}_triplet_slope_test", tData.Zip(tModel, (a, b) => a * b).Sum() / tData.Sum(a => a * a));
            context.Number($"retina20_{key}_log_z_exact", z);
            context.Number($"retina20_{key}_log_z_ais", ais.Value);
            context.Number($"retina20_{key}_log_z_ais_se", ais.StandardError);
            context.Number($"retina20_{key}_log_z_low_activity", low.Value);
            context.Number($"retina20_{key}_log_z_low_activity_se", low.StandardError);
            context.Number($"retina20_{key}_test_log_likelihood", held.Pairwise);
            context.Number($"retina20_{key}_test_log_likelihood_independent", held.Independent);
            rows.Add([name, $"{z:F4}", $"{ais.Value:F4}", $"{ais.StandardError:F4}", $"{low.Value:F4}", $"{low.StandardError:F4}", $"{held.Pairwise:F4}", $"{held.Independent:F4}"]);
        }

        context.Number("retina20_exact_iterations", exact.Iterations);
        context.Number("retina20_mch_rounds", mch.Iterations);
        context.Number("retina20_mch_rms_j_difference_to_exact", RmsOffDiagonal(exact.Model, mch.Model));
        context.TextTable("log Z estimators checked against exact enumeration (first 20 retina cells, even repeats; test = odd repeats, nats per bin).", header, rows);
        context.Progress("retina 20-cell log Z check: done");
    }

    private static double[] Connected(double[] features, int n)
    {
        var c = new double[features.Length - n];
        for (int i = 0, k = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++, k++)
            {
                c[k] = 4 * (features[n + k] - features[i] * features[j]);
            }
        }

        return c;
    }

    private static double[] IndependentUpCount(double[] means)
    {
        var p = new double[means.Length + 1];
        p[0] = 1;
        for (int i = 0; i < means.Length; i++)
        {
            double q = (1 + means[i]) / 2;
            for (int k = i + 1; k >= 1; k--)
            {
                p[k] = p[k] * (1 - q) + p[k - 1] * q;
            }

            p[0] *= 1 - q;
        }

        return p;
    }

    private static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int k = 0; k < a.Length; k++)
        {
            sab += (a[k] - ma) * (b[k] - mb);
            saa += (a[k] - ma) * (a[k] - ma);
            sbb += (b[k] - mb) * (b[k] - mb);
        }

        return sab / Math.Sqrt(saa * sbb);
    }
}
