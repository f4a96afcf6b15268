using System.Diagnostics;
using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;
using StatNeuro.Numerics;
using StatNeuro.Plotting;

namespace StatNeuro.Cli.Reproduce;

/// <summary>Kinetic Ising section: planted recovery against the Cramér–Rao error, Glauber throughput, and the retina
/// comparison of asymmetric, symmetric and stimulus-driven kinetic models.</summary>
internal sealed class KineticSection : IReproduceSection
{
    private static readonly int[] s_gridSteps = [10_000, 100_000];
    private static readonly int[] s_gridSizes = [20, 50, 100];
    private static readonly double[] s_gridGains = [0.5, 1.0, 1.5];

    public string Name => "kinetic";

    public string Title => "Kinetic Ising: Glauber dynamics, asymmetric coupling inference, retina temporal correlations";

    public void Run(SectionContext context)
    {
        PlantedPart(context);
        ThroughputPart(context);
        RetinaPart(context);
    }

    private static double Rms(KineticIsingModel a, KineticIsingModel b)
    {
        int n = a.Size;
        double e = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (i != j)
                {
                    double d = a.Coupling(i, j) - b.Coupling(i, j);
                    e += d * d;
                }
            }
        }

        return Math.Sqrt(e / (n * (n - 1)));
    }

    private static void PlantedPart(SectionContext context)
    {
        // --full: the whole acceptance grid (T outer, then N, then g; seed index = position in this order).
        (int N, double G, int T)[] grid = context.Full
            ? [.. from t in s_gridSteps from n in s_gridSizes from g in s_gridGains select (n, g, t)]
            : [(20, 1, 20_000), (50, 1, 20_000)];
        var cols = new List<double>[10];
        for (int k = 0; k < cols.Length; k++)
        {
            cols[k] = [];
        }

        KineticIsingModel? showTruth = null, showMl = null, showTap = null, showNmf = null;
        int index = 0;
        foreach ((int n, double g, int t) in grid)
        {
            context.Progress($"planted N = {n}, g = {g}, T = {t}");
            KineticIsingModel truth = KineticIsingModel.Planted(n, g, 0.3, new RandomStreams(context.Seed), index);
            SpinRaster data = GlauberDynamics.Parallel(truth, t, new RandomStreams(context.Seed), index, burnIn: 100);
            index++;
            var clock = Stopwatch.StartNew();
            FitResult<KineticIsingModel> ml = KineticIsingLearning.MaximumLikelihood(data, new KineticLearningSettings { SelfCouplings = false, MaxThreads = context.Threads });
            double seconds = clock.Elapsed.TotalSeconds;
            double[] se = KineticIsingLearning.CouplingStandardErrors(truth, data);
            double v = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    if (i != j)
                    {
                        v += se[i * n + j] * se[i * n + j];
                    }
                }
            }

            KineticIsingModel nmf = KineticIsingLearning.NaiveMeanField(data).Model;
            KineticIsingModel tap = KineticIsingLearning.Tap(data).Model;
            double asym = Math.Sqrt(v / (n * (n - 1)));
            double rmsMl = Rms(ml.Model, truth);
            double[] row = [n, g, t, rmsMl, asym, rmsMl / asym, Rms(nmf, truth), Rms(tap, truth), ml.Notes["gradient_norm"], seconds];
            for (int k = 0; k < row.Length; k++)
            {
                cols[k].Add(row[k]);
            }

            if (n == 20 && g == 1)
            {
                (showTruth, showMl, showTap, showNmf) = (truth, ml.Model, tap, nmf);
            }
        }

        context.Table("planted_recovery.csv", "Planted asymmetric models (J_ij ~ N(0, g²/N), h ~ N(0, 0.3²)): RMS coupling error of ML vs the asymptotic (inverse-Fisher) error, and of nMF/TAP",
            ["N", "g", "T", "rms_ml", "rms_cramer_rao", "ratio_ml_to_cramer_rao", "rms_nmf", "rms_tap", "gradient_norm", "ml_seconds"], [.. cols]);
        double worst = 0;
        for (int k = 0; k < cols[3].Count; k++)
        {
            worst = Math.Max(worst, Math.Abs(cols[5][k] - 1));
        }

        context.Number("planted_max_rel_deviation_from_cramer_rao", worst);
        context.Number("planted_max_gradient_norm", cols[8].Max());
        if (showTruth is not null)
        {
            var x = new List<double>();
            var yMl = new List<double>();
            var yTap = new List<double>();
            var yNmf = new List<double>();
            for (int i = 0; i < showTruth.Size; i++)
            {
                for (int j = 0; j < showTruth.Size; j++)
                {
                    if (i != j)
                    {
                        x.Add(showTruth.Coupling(i, j));
                        yMl.Add(showMl!.Coupling(i, j));
                        yTap.Add(showTap!.Coupling(i, j));
                        yNmf.Add(showNmf!.Coupling(i, j));
                    }
                }
            }

            context.Figure(new FigureSpec
            {
                Title = "Planted recovery, N = 20, g = 1",
                XLabel = "true J_ij",
                YLabel = "inferred J_ij",
                Series = [new Series("ML", x, yMl, Markers: true), new Series("TAP", x, yTap, Markers: true), new Series("nMF", x, yNmf, Markers: true), new Series("y = x", [-0.8, 0.8], [-0.8, 0.8], Dashed: true)],
            }, "planted_scatter", "Inferred vs planted couplings: ML sits on the diagonal within the Cramér–Rao error; nMF is biased (shrunk), TAP in between.");
        }
    }

    private static void ThroughputPart(SectionContext context)
    {
        KineticIsingModel model = KineticIsingModel.Planted(100, 1, 0.3, new RandomStreams(context.Seed), 99);
        GlauberDynamics.Parallel(model, 1000, new RandomStreams(context.Seed));
        var clock = Stopwatch.StartNew();
        GlauberDynamics.Parallel(model, 100_000, new RandomStreams(context.Seed), 1);
        double rate = 100_000 * 100 / clock.Elapsed.TotalSeconds;
        context.Number("glauber_updates_per_second_n100", rate);
        context.Text($"Parallel Glauber at N = 100 (g = 1): {rate:G3} neuron-updates per second on one thread.");
    }

    private static string? RetinaPath()
    {
        string p = Path.Combine("..", "shared", "data", "retina_tkacik2014", "original_data_num_neurons_50_1.mat");
        return File.Exists(p) ? p : null;
    }

    private static (double Mean, double Se) MeanSe(double[] v)
    {
        double mean = v.Average();
        double sd = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / Math.Max(v.Length - 1, 1));
        return (mean, sd / Math.Sqrt(v.Length));
    }

    private static void RetinaPart(SectionContext context)
    {
        string? path = RetinaPath();
        if (path is null)
        {
            context.Text("Retina part skipped: ../shared/data/retina_tkacik2014 is absent.");
            context.Number("retina_skipped", true);
            return;
        }

        SpinRaster all = RasterFile.Read(path).WithSegmentLength(953);
        var settings = new KineticLearningSettings { MaxThreads = context.Threads };
        context.Progress("retina: asymmetric ML on all 297 repeats");
        var clock = Stopwatch.StartNew();
        FitResult<KineticIsingModel> asymAll = KineticIsingLearning.MaximumLikelihood(all, settings);
        double mlSeconds = clock.Elapsed.TotalSeconds;
        context.Number("retina_ml_seconds", mlSeconds);
        context.Number("retina_ml_gradient_norm", asymAll.Notes["gradient_norm"]);
        context.Number("retina_ml_converged", asymAll.Converged);
        context.Number("retina_ll_asymmetric", asymAll.Notes["log_likelihood"]);
        context.Text($"Full retina raster (50 cells, 283 041 bins, 297 repeats): asymmetric ML {asymAll.Notes["log_likelihood"]:F6} nats per transition, gradient norm {asymAll.Notes["gradient_norm"]:E1}, {mlSeconds:F2} s on {context.Threads} threads.");
        SeedComparison(context, all, 20);
        if (!context.Full)
        {
            context.Text("The symmetric full-raster fit, the held-out comparison with time-dependent fields and the simulated D(1) run with `--full`; their numbers are in docs/kinetic.md.");
            return;
        }

        SeedComparison(context, all, 50);
        context.Progress("retina: symmetric ML on all 297 repeats");
        FitResult<KineticIsingModel> symAll = KineticIsingLearning.SymmetricMaximumLikelihood(all, settings);
        context.Number("retina_ll_symmetric", symAll.Notes["log_likelihood"]);
        context.Number("retina_symmetric_gradient_norm", symAll.Notes["gradient_norm"]);

        context.Progress("retina: held-out (train even repeats, test odd)");
        (SpinRaster train, SpinRaster test) = all.SplitByRepeat();
        FitResult<KineticIsingModel> asym = KineticIsingLearning.MaximumLikelihood(train, settings);
        FitResult<KineticIsingModel> sym = KineticIsingLearning.SymmetricMaximumLikelihood(train, settings);
        FitResult<KineticIsingModel> timed = KineticIsingLearning.MaximumLikelihood(train, settings with { StimulusBins = 953 });
        FitResult<KineticIsingModel> nmf = KineticIsingLearning.NaiveMeanField(train);
        FitResult<KineticIsingModel> tap = KineticIsingLearning.Tap(train);
        var independent = KineticIsingLearning.MaximumLikelihood(train, settings with { L2 = 1e6 });
        (string Name, KineticIsingModel Model)[] models = [("independent (J ≈ 0)", independent.Model), ("nMF", nmf.Model), ("TAP", tap.Model), ("symmetric ML", sym.Model), ("asymmetric ML", asym.Model), ("asymmetric ML + h_i(b)", timed.Model)];
        var rows = new List<IReadOnlyList<string>>();
        double[] dData = GlauberDynamics.DelayedCorrelations(test, 1);
        int n = all.NeuronCount;
        var figureSeries = new List<Series>();
        foreach ((string name, KineticIsingModel model) in models)
        {
            (double m, double se) = MeanSe(model.SegmentLogLikelihoods(test, out _));
            (double mTrain, _) = MeanSe(model.SegmentLogLikelihoods(train, out _));
            SpinRaster sim = GlauberDynamics.Parallel(model, 148, 953, new RandomStreams(context.Seed), 7, burnIn: 953);
            double[] dSim = GlauberDynamics.DelayedCorrelations(sim, 1);
            (double rms, double slope) = Compare(dData, dSim, n);
            rows.Add([name, $"{mTrain:F4}", $"{m:F4} ± {se:F4}", $"{rms:E2}", $"{slope:F3}"]);
            string key = name switch { "asymmetric ML" => "asym", "symmetric ML" => "sym", "asymmetric ML + h_i(b)" => "timed", "nMF" => "nmf", "TAP" => "tap", _ => "independent" };
            context.Number($"retina_test_ll_{key}", m);
            context.Number($"retina_test_ll_{key}_se", se);
            context.Number($"retina_d1_rms_{key}", rms);
            context.Number($"retina_d1_slope_{key}", slope);
            if (key is "asym" or "sym" or "timed")
            {
                var x = new List<double>();
                var y = new List<double>();
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        x.Add(dData[i * n + j]);
                        y.Add(dSim[i * n + j]);
                    }
                }

                figureSeries.Add(new Series(name, x, y, Markers: true));
            }
        }

        context.TextTable("Retina (50 cells, 20 ms bins): models fitted on the 149 even repeats, log-likelihood per transition (nats, sum over cells) on train and on the 148 odd repeats (mean ± SE over repeats), and D_ij(1) of each model simulated for 148 repeats vs the held-out data (RMS difference and regression slope, all N² pairs).",
            ["model", "train LL", "test LL", "D(1) RMS", "D(1) slope"], rows);
        double max = figureSeries.SelectMany(s => s.X).Max();
        figureSeries.Add(new Series("y = x", [0, max], [0, max], Dashed: true));
        context.Figure(new FigureSpec { Title = "Retina: lag-1 connected correlations, model vs held-out data", XLabel = "D_ij(1) data", YLabel = "D_ij(1) simulated model", Series = figureSeries }, "retina_d1", "D_ij(1) = ⟨s_i(t+1) s_j(t)⟩ − m_i m_j, data (odd repeats) vs each model simulated by parallel Glauber dynamics.");
        context.Text($"All 297 repeats, at convergence: asymmetric ML {asymAll.Notes["log_likelihood"]:F6} ≥ symmetric ML {symAll.Notes["log_likelihood"]:F6} nats per transition (gradient norms {asymAll.Notes["gradient_norm"]:E1}, {symAll.Notes["gradient_norm"]:E1}).");
    }

    /// <summary>
    /// The seed's comparison done at convergence on the first <paramref name="cells"/> cells: equilibrium pairwise model
    /// (exact ML, exact log Z; the per-transition likelihood of an equilibrium model is log P(s(t+1)), independent
    /// draws) vs symmetric and asymmetric kinetic ML. Fitted on the even repeats, evaluated on the odd ones; per-bin
    /// log-likelihood (sum over cells, nats) as mean ± SE over the test repeats, differences to the asymmetric model
    /// paired by repeat; D_ij(1) of each model simulated vs the test data.
    /// </summary>
    /// <remarks>Above <see cref="ExactEnumeration.MaxSize"/> cells the equilibrium model is fitted by Boltzmann learning
    /// (histogram reweighting) and its log Z estimated by annealed importance sampling (`--full` runs 50 cells).</remarks>
    private static void SeedComparison(SectionContext context, SpinRaster all, int cells)
    {
        context.Progress($"retina: equilibrium vs symmetric vs asymmetric at {cells} cells");
        SpinRaster sub = all.SelectNeurons([.. Enumerable.Range(0, cells)]);
        (SpinRaster train, SpinRaster test) = sub.SplitByRepeat();
        var settings = new KineticLearningSettings { MaxThreads = context.Threads };
        FitResult<IsingModel> eq;
        double logZ, logZError = 0;
        if (cells <= ExactEnumeration.MaxSize)
        {
            eq = ExactMaximumLikelihood.Fit(train);
            logZ = ExactEnumeration.Compute(eq.Model, context.Threads).LogPartition;
        }
        else
        {
            // Above exact enumeration: Boltzmann learning by histogram reweighting and log Z by annealed importance
            // sampling (docs/inference.md: both checked against enumeration at 20 cells).
            eq = BoltzmannLearning.Fit(train, null, context.Seed);
            Estimate ais = PartitionFunctionEstimator.AnnealedImportanceSampling(eq.Model, context.Seed);
            (logZ, logZError) = (ais.Value, ais.StandardError);
            context.Number($"seed_comparison_n{cells}_equilibrium_log_z", logZ);
            context.Number($"seed_comparison_n{cells}_equilibrium_log_z_se", logZError);
        }

        FitResult<KineticIsingModel> sym = KineticIsingLearning.SymmetricMaximumLikelihood(train, settings);
        FitResult<KineticIsingModel> asym = KineticIsingLearning.MaximumLikelihood(train, settings);
        double[] perAsym = asym.Model.SegmentLogLikelihoods(test, out _);
        double[] perSym = sym.Model.SegmentLogLikelihoods(test, out _);
        double[] perEq = EquilibriumSegmentLogLikelihoods(eq.Model, logZ, test);
        double[] trainEq = EquilibriumSegmentLogLikelihoods(eq.Model, logZ, train);
        double[] dData = GlauberDynamics.DelayedCorrelations(test, 1);
        int n = cells;
        var rows = new List<IReadOnlyList<string>>();
        void Row(string name, string key, double[] per, double trainLl, double[] dSim, string converged)
        {
            (double m, double se) = MeanSe(per);
            (double dm, double dse) = MeanSe([.. per.Zip(perAsym, (a, b) => a - b)]);
            (double rms, double slope) = Compare(dData, dSim, n);
            rows.Add([name, $"{trainLl:F4}", $"{m:F4} ± {se:F4}", $"{dm:F4} ± {dse:F4}", $"{rms:E2}", $"{slope:F3}", converged]);
            string tag = cells == 20 ? string.Empty : $"n{cells}_";
            context.Number($"seed_comparison_{tag}test_ll_{key}", m);
            context.Number($"seed_comparison_{tag}test_ll_{key}_se", se);
            context.Number($"seed_comparison_{tag}test_ll_{key}_minus_asym", dm);
            context.Number($"seed_comparison_{tag}test_ll_{key}_minus_asym_se", dse);
            context.Number($"seed_comparison_{tag}d1_rms_{key}", rms);
            context.Number($"seed_comparison_{tag}d1_slope_{key}", slope);
        }

        int segments = test.SegmentCount, length = test.Segment(0).Length;
        double[] SimulatedD1(KineticIsingModel model) => GlauberDynamics.DelayedCorrelations(GlauberDynamics.Parallel(model, segments, length, new RandomStreams(context.Seed), 11, burnIn: length), 1);
        Row("equilibrium pairwise (independent draws)", "equilibrium", perEq, MeanSe(trainEq).Mean, new double[n * n], $"{eq.Converged} ({(eq.Notes.TryGetValue("gradient_norm", out double eg) ? eg : double.NaN):E0})");
        Row("symmetric kinetic ML", "symmetric", perSym, sym.Notes["log_likelihood"], SimulatedD1(sym.Model), $"{sym.Converged} ({sym.Notes["gradient_norm"]:E0})");
        Row("asymmetric kinetic ML", "asymmetric", perAsym, asym.Notes["log_likelihood"], SimulatedD1(asym.Model), $"{asym.Converged} ({asym.Notes["gradient_norm"]:E0})");
        context.TextTable($"Seed comparison on the retina, first {cells} cells: fitted on the 149 even repeats, log-likelihood per bin (nats, sum over cells) on train and on the 148 odd repeats (mean ± SE over repeats; difference to the asymmetric model paired by repeat; above 20 cells the equilibrium model is fitted by Boltzmann learning and its log Z by AIS, whose SE {logZError:E1} comes on top), and D_ij(1) of each model simulated (parallel Glauber; the equilibrium model as independent draws has D(1) = 0) vs the held-out data.",
            ["model", "train LL", "test LL", "test LL − asym", "D(1) RMS", "D(1) slope", "converged"], rows);
        context.Number("seed_comparison_cells", cells);
    }

    /// <summary>Per-segment mean of log P_eq(s(t+1)) over the same target bins as the kinetic likelihood (t+1 = 1..L−1).</summary>
    private static double[] EquilibriumSegmentLogLikelihoods(IsingModel model, double logZ, SpinRaster data)
    {
        var result = new double[data.SegmentCount];
        for (int k = 0; k < data.SegmentCount; k++)
        {
            (int start, int length) = data.Segment(k);
            double sum = 0;
            for (int t = start + 1; t < start + length; t++)
            {
                sum += model.LogWeight(data.Row(t)) - logZ;
            }

            result[k] = sum / (length - 1);
        }

        return result;
    }

    private static (double Rms, double Slope) Compare(double[] data, double[] sim, int n)
    {
        double sxx = 0, sxy = 0, e = 0;
        for (int q = 0; q < n * n; q++)
        {
            double d = sim[q] - data[q];
            e += d * d;
            sxx += data[q] * data[q];
            sxy += data[q] * sim[q];
        }

        return (Math.Sqrt(e / (n * n)), sxy / sxx);
    }
}
