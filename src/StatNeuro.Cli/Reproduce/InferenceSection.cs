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
        Retina(context);
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
        var clock = Stopwatch.StartNew();
        FitResult<IsingModel> plm = PseudoLikelihood.Fit(train, new PseudoLikelihoodSettings { MaxThreads = context.Threads });
        double plmSeconds = clock.Elapsed.TotalSeconds;
        context.Number("retina_plm_seconds", plmSeconds);
        context.Number("retina_plm_iterations", plm.Iterations);
        IsingModel model = plm.Model;
        if (context.Full)
        {
            // Persistent-chain Boltzmann learning from the PLM start (experimental: see docs/inference.md).
            clock.Restart();
            FitResult<IsingModel> bm = BoltzmannLearning.Fit(train, new BoltzmannLearningSettings { MaxIterations = 300, MaxSamplesPerChain = 16_000, LearningRate = 0.05 }, context.Seed, plm.Model,
                (i, chi2) => context.Progress($"retina BM iteration {i}: chi2/observable {chi2:G4}"));
            context.Number("retina_bm_seconds", clock.Elapsed.TotalSeconds);
            context.Number("retina_bm_iterations", bm.Iterations);
            context.Number("retina_bm_chi_square_per_observable", bm.Notes["chi_square_per_observable"]);
            model = bm.Model;
        }

        int mc = context.Full ? 100_000 : 25_000;
        SampleSet samples = IsingSampler.Sample(model, new SamplerSettings { Kind = SamplerKind.HeatBath, Chains = 8, BurnInSweeps = 500, SamplesPerChain = mc }, context.Seed + 7, context.Threads);
        double[] mData = train.Means(), mModel = samples.Samples.Means();
        double[] cData = train.ConnectedCorrelations(), cModel = samples.Samples.ConnectedCorrelations();

        // Moment errors in units of the data's sampling error (independent-bin approximation).
        double chiM = 0, chiC = 0;
        var cd = new List<double>();
        var cm = new List<double>();
        for (int i = 0; i < n; i++)
        {
            double se2 = (1 - mData[i] * mData[i]) / train.TimeBins;
            chiM += (mData[i] - mModel[i]) * (mData[i] - mModel[i]) / se2;
            for (int j = i + 1; j < n; j++)
            {
                double q = cData[i * n + j] + mData[i] * mData[j];
                double se2c = (1 - q * q) / train.TimeBins;
                double d = cData[i * n + j] - cModel[i * n + j];
                chiC += d * d / se2c;
                cd.Add(cData[i * n + j]);
                cm.Add(cModel[i * n + j]);
            }
        }

        context.Number("retina_means_chi_square_per_observable", chiM / n);
        context.Number("retina_correlations_chi_square_per_observable", chiC / cd.Count);

        // Held-out likelihood per bin.
        Estimate logZ = ModelEvaluation.IntegrateLogPartition(model, context.Seed + 11, nodes: 12, chains: 8, samplesPerChain: context.Full ? 20_000 : 4000);
        double llTest = ModelEvaluation.LogLikelihood(model, logZ.Value, test);
        double llTrain = ModelEvaluation.LogLikelihood(model, logZ.Value, train);
        double llIndTest = ModelEvaluation.IndependentLogLikelihood(mData, train.TimeBins, test);
        double llIndTrain = ModelEvaluation.IndependentLogLikelihood(mData, train.TimeBins, train);
        context.Number("retina_log_partition", logZ.Value);
        context.Number("retina_log_partition_standard_error", logZ.StandardError);
        context.Number("retina_test_log_likelihood_pairwise", llTest);
        context.Number("retina_test_log_likelihood_independent", llIndTest);
        context.Number("retina_train_log_likelihood_pairwise", llTrain);
        context.Number("retina_train_log_likelihood_independent", llIndTrain);
        context.Text($"Retina (50 cells, fit on even repeats, test on odd): held-out log-likelihood per 20 ms bin {llTest:F4} ± {logZ.StandardError:F4} nats (pairwise) vs {llIndTest:F4} (independent); training {llTrain:F4} vs {llIndTrain:F4}. Model: {(context.Full ? "PLM then Boltzmann learning" : "PLM")}.");

        // Predictions: P(K) and connected triplets.
        double[] pkData = test.UpCountDistribution(), pkModel = samples.Samples.UpCountDistribution(), pkInd = IndependentUpCount(mData);
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
                new Series("pairwise model", ks, ks.Select(k => pkModel[(int)k]).ToList()),
                new Series("independent model", ks, ks.Select(k => pkInd[(int)k]).ToList(), Dashed: true),
            ],
        }, "retina_p_k", "P(K): predicted (not fitted) by the pairwise model; the independent model underestimates large K by orders of magnitude.");
        context.Number("retina_p_k0_data", pkData[0]);
        context.Number("retina_p_k0_pairwise", pkModel[0]);
        context.Number("retina_p_k0_independent", pkInd[0]);

        int[] cells = [.. Enumerable.Range(0, 15)];
        double[] tData = ModelEvaluation.ConnectedTriplets(train, cells), tModel = ModelEvaluation.ConnectedTriplets(samples.Samples, cells);
        context.Number("retina_triplet_correlation_r", Pearson(tData, tModel));
        context.Figure(new FigureSpec
        {
            Title = "Retina: connected triplets (cells 1-15, ±1 units)",
            XLabel = "data <δs_i δs_j δs_k>",
            YLabel = "pairwise model",
            Series = [new Series("triplets", tData, tModel, Markers: true), new Series("identity", [tData.Min(), tData.Max()], [tData.Min(), tData.Max()], Dashed: true)],
        }, "retina_triplets", "Connected three-cell correlations in ±1 units, data vs pairwise-model prediction.");
        context.Figure(new FigureSpec
        {
            Title = "Retina: fitted connected correlations",
            XLabel = "data C_ij (±1 units)",
            YLabel = "model C_ij",
            Series = [new Series("pairs", cd, cm, Markers: true), new Series("identity", [cd.Min(), cd.Max()], [cd.Min(), cd.Max()], Dashed: true)],
        }, "retina_correlations", "Connected correlations of the training data vs the fitted model (Monte Carlo).");
        context.Figure(new FigureSpec
        {
            Title = "Retina: fitted means",
            XLabel = "data <s_i>",
            YLabel = "model <s_i>",
            Series = [new Series("cells", mData, mModel, Markers: true), new Series("identity", [-1, -0.6], [-1, -0.6], Dashed: true)],
        }, "retina_means", "Mean spin per cell, data vs fitted model.");
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
