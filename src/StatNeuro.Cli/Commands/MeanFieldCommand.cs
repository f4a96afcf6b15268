using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using StatNeuro.Cli.Infrastructure;
using StatNeuro.MeanField;
using StatNeuro.Plotting;

namespace StatNeuro.Cli.Commands;

/// <summary><c>statneuro meanfield ...</c>: Curie–Weiss, Siegert rate and Brunel fixed points (docs/meanfield.md).</summary>
internal static class MeanFieldCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("meanfield", "Mean-field theory: Curie–Weiss, Siegert rate of LIF neurons, Brunel network fixed points.");
        command.Subcommands.Add(CurieWeissCommand(cli));
        command.Subcommands.Add(SiegertCommand(cli));
        command.Subcommands.Add(BrunelCommand(cli));
        command.Subcommands.Add(ActivationCommand(cli));
        command.Subcommands.Add(PerceptronCommand(cli));
        command.Subcommands.Add(FokkerPlanckCommand(cli));
        command.Subcommands.Add(TransferCommand(cli));
        return command;
    }

    private static Command TransferCommand(CliContext cli)
    {
        var command = new Command("transfer", "Linear response chi(f) = nu1/mu1 of the LIF population rate to a modulation of mu (finite-volume FP operator, refractory phase included).");
        var mu = new Option<double>("--mu") { Description = "Mean input mu (mV above rest).", Required = true };
        var sigma = new Option<double>("--sigma") { Description = "Noise amplitude sigma (mV, > 0).", Required = true };
        var fMin = Number("--f-min", "Lowest frequency (Hz, > 0).", 0.1);
        var fMax = Number("--f-max", "Highest frequency (Hz, > f-min).", 1000);
        var points = new Option<int>("--points") { Description = "Log-spaced frequencies (2..10000).", DefaultValueFactory = _ => 61 };
        var cells = new Option<int>("--cells") { Description = "Finite-volume cells on [V_lb, theta] (8..1e6); V_lb = min(reset, mu) - 6 sigma, moved down so V_r falls on a cell interface.", DefaultValueFactory = _ => 2000 };
        command.Options.Add(mu);
        command.Options.Add(sigma);
        command.Options.Add(fMin);
        command.Options.Add(fMax);
        command.Options.Add(points);
        command.Options.Add(cells);
        var (tau, theta, reset, tref) = NeuronOptions(command);
        var common = new CommonOptions("meanfield-transfer");
        common.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "meanfield transfer", run =>
        {
            double muMv = OptionParsing.RequireFinite(parse.GetValue(mu), "--mu");
            double sigmaMv = OptionParsing.RequirePositive(parse.GetValue(sigma), "--sigma");
            double low = OptionParsing.RequirePositive(parse.GetValue(fMin), "--f-min");
            double high = OptionParsing.RequirePositive(parse.GetValue(fMax), "--f-max");
            int count = parse.GetValue(points);
            int n = parse.GetValue(cells);
            DiffusionLifParameters neuron = Neuron(parse, tau, theta, reset, tref);
            if (!(high > low))
            {
                throw new CliUsageException($"--f-max {high.ToString(CultureInfo.InvariantCulture)} must be above --f-min {low.ToString(CultureInfo.InvariantCulture)} (empty range).");
            }

            if (count < 2 || count > 10000)
            {
                throw new CliUsageException($"--points {count}: must be between 2 and 10000.");
            }

            if (n < 8 || n > 1_000_000)
            {
                throw new CliUsageException($"--cells {n}: must be between 8 and 1000000.");
            }

            var f = new List<double>();
            var amplitude = new List<double>();
            var phase = new List<double>();
            var re = new List<double>();
            var im = new List<double>();
            for (int k = 0; k < count; k++)
            {
                double x = low * Math.Pow(high / low, k / (count - 1.0));
                System.Numerics.Complex chi = FokkerPlanckTransfer.MuResponse(muMv, sigmaMv, neuron, x, n);
                f.Add(x);
                amplitude.Add(chi.Magnitude);
                phase.Add(chi.Phase);
                re.Add(chi.Real);
                im.Add(chi.Imaginary);
            }

            Tables.WriteCsv(run.PathFor("transfer.csv"), ["f_hz", "amplitude_hz_per_mv", "phase_rad", "re_hz_per_mv", "im_hz_per_mv"], [f, amplitude, phase, re, im]);
            FigureWriter.Save(new FigureSpec { Title = string.Create(CultureInfo.InvariantCulture, $"Rate response to mu modulation, mu {muMv} mV, sigma {sigmaMv} mV"), XLabel = "f (Hz)", YLabel = "|chi| (Hz/mV)", LogX = true, LogY = true, Series = [new Series("|nu1/mu1|", f, amplitude)] }, SaveTarget(run.PathFor, "transfer"));
            double zero = FokkerPlanckTransfer.MuResponse(muMv, sigmaMv, neuron, 0, n).Real;
            run.Summary["mu_mv"] = muMv;
            run.Summary["sigma_mv"] = sigmaMv;
            run.Summary["chi0_hz_per_mv"] = zero;
            run.Summary["siegert_dnu_dmu"] = Siegert.Evaluate(muMv, sigmaMv, neuron).DRateDMu;
            run.Summary["amplitude_at_f_max"] = amplitude[^1];
            run.Summary["phase_at_f_max"] = phase[^1];
            run.Say(string.Create(CultureInfo.InvariantCulture, $"chi(0) = {zero:G8} Hz/mV (Siegert dnu/dmu {Siegert.Evaluate(muMv, sigmaMv, neuron).DRateDMu:G8}); |chi({high} Hz)| = {amplitude[^1]:G6}, phase {phase[^1]:F4} rad"));
        }));
        return command;
    }

    /// <summary>The result of <see cref="RunStepResponse"/>.</summary>
    internal sealed record StepResponseResult(double[] TimeMs, double[] RateHz, double DtMs, double MassError, double ElapsedMs, MonteCarloSpikes? MonteCarlo);

    /// <summary>Integrates the FP step response μ0 → μ1 at t = 0 (and optionally the Monte Carlo); writes rate.csv,
    /// density.csv, rate.png/svg, density.png/svg (and mc_rate.csv) through <paramref name="pathFor"/>.</summary>
    internal static StepResponseResult RunStepResponse(Func<string, string> pathFor, DiffusionLifParameters neuron, double mu0, double mu1, double sigma, double durationMs, int cells, double dtMs, double lowerMv, int mcNeurons, double mcDtMs, ulong seed, int threads)
    {
        var watch = Stopwatch.StartNew();
        var fp = new FokkerPlanckIntegrator(neuron, cells, dtMs, mu0, sigma, lowerMv);
        int steps = Math.Max(1, (int)Math.Round(durationMs / fp.DtMs));
        var t = new double[steps + 1];
        var nu = new double[steps + 1];
        nu[0] = fp.RateHz;
        double[] snapshotTimes = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
        var snapshots = new List<IReadOnlyList<double>> { Enumerable.Range(0, cells).Select(fp.CellCentreMv).ToList() };
        var header = new List<string> { "v_mv", "p_0ms" };
        snapshots.Add(fp.Density.ToArray());
        double worst = Math.Abs(fp.TotalMass - 1);
        int nextSnapshot = 1;
        for (int k = 1; k <= steps; k++)
        {
            nu[k] = fp.Step(mu1, sigma);
            t[k] = k * fp.DtMs;
            while (nextSnapshot < snapshotTimes.Length && snapshotTimes[nextSnapshot] < t[k] + (0.5 * fp.DtMs))
            {
                if (Math.Abs(snapshotTimes[nextSnapshot] - t[k]) < 0.5 * fp.DtMs)
                {
                    header.Add(string.Create(CultureInfo.InvariantCulture, $"p_{snapshotTimes[nextSnapshot]}ms"));
                    snapshots.Add(fp.Density.ToArray());
                }

                nextSnapshot++;
            }

            if ((k & 63) == 0 || k == steps)
            {
                worst = Math.Max(worst, Math.Abs(fp.TotalMass - 1));
            }
        }

        double elapsed = watch.Elapsed.TotalMilliseconds;
        if (header[^1] != string.Create(CultureInfo.InvariantCulture, $"p_{t[^1]}ms") && !snapshotTimes.Any(x => Math.Abs(x - t[^1]) < 0.5 * fp.DtMs))
        {
            header.Add(string.Create(CultureInfo.InvariantCulture, $"p_{t[^1]:G6}ms"));
            snapshots.Add(fp.Density.ToArray());
        }

        Tables.WriteCsv(pathFor("rate.csv"), ["t_ms", "rate_hz"], [t, nu]);
        Tables.WriteCsv(pathFor("density.csv"), header, snapshots);
        var series = new List<Series> { new("Fokker–Planck", t, nu) };
        MonteCarloSpikes? mc = null;
        if (mcNeurons > 0)
        {
            mc = LifMonteCarlo.Simulate(neuron, mcNeurons, mcDtMs, durationMs, _ => mu1, _ => sigma, mu0, sigma, seed, threads);
            var mt = new List<double>();
            var mr = new List<double>();
            var ms = new List<double>();
            double width = Math.Max(0.5, durationMs / 200);
            for (double end = width; end <= durationMs + 1e-9; end += width)
            {
                (double r, double se) = mc.Rate(end - width, end);
                mt.Add(end - (width / 2));
                mr.Add(r);
                ms.Add(se);
            }

            Tables.WriteCsv(pathFor("mc_rate.csv"), ["t_mid_ms", "rate_hz", "standard_error_hz"], [mt, mr, ms]);
            series.Add(new Series(string.Create(CultureInfo.InvariantCulture, $"Monte Carlo, {mcNeurons} neurons ({width:G3} ms bins)"), mt, mr, Dashed: true, Markers: true));
        }

        FigureWriter.Save(
            new FigureSpec { Title = string.Create(CultureInfo.InvariantCulture, $"LIF population rate, mu {mu0} -> {mu1} mV, sigma {sigma} mV"), XLabel = "t (ms)", YLabel = "rate (Hz)", Series = series },
            SaveTarget(pathFor, "rate"));
        var densitySeries = new List<Series>();
        for (int c = 1; c < snapshots.Count; c++)
        {
            densitySeries.Add(new Series(header[c][2..], snapshots[0], snapshots[c]));
        }

        FigureWriter.Save(new FigureSpec { Title = "Population density p(V, t)", XLabel = "V (mV)", YLabel = "p (1/mV)", Series = densitySeries }, SaveTarget(pathFor, "density"));
        return new StepResponseResult(t, nu, fp.DtMs, worst, elapsed, mc);
    }

    private static Command FokkerPlanckCommand(CliContext cli)
    {
        var command = new Command("fokker-planck", "Time-dependent Fokker–Planck population density of LIF neurons: step response of the rate (optionally against a Monte Carlo).");
        var muStep = new Option<string>("--mu-step") { Description = "mu before and after the step at t = 0, 'MU0,MU1' (mV).", DefaultValueFactory = _ => "10,15" };
        var sigma = Number("--sigma", "Noise amplitude sigma (mV, > 0).", 5);
        var duration = Number("--duration", "Duration after the step (ms, > 0).", 100);
        var cells = new Option<int>("--cells") { Description = "Finite-volume cells on [lower, theta] (8..1e6; with an explicit --lower-mv, (reset - lower)/dV must be an integer).", DefaultValueFactory = _ => 1000 };
        var dt = Number("--dt-ms", "Time step (ms, > 0; shrunk so that tref/dt is an integer).", 0.01);
        var lower = new Option<string>("--lower-mv") { Description = "Reflecting wall V_lb (mV, < reset), or 'auto': min(reset, mu0, mu1) - 6 sigma, moved down so V_r falls on a cell interface.", DefaultValueFactory = _ => "auto" };
        var mcNeurons = new Option<int>("--mc-neurons") { Description = "Also simulate this many neurons by Monte Carlo (0 = none).", DefaultValueFactory = _ => 0 };
        var mcDt = Number("--mc-dt-ms", "Monte Carlo time step (ms, > 0).", 0.02);
        command.Options.Add(muStep);
        command.Options.Add(sigma);
        command.Options.Add(duration);
        command.Options.Add(cells);
        command.Options.Add(dt);
        command.Options.Add(lower);
        command.Options.Add(mcNeurons);
        command.Options.Add(mcDt);
        var (tau, theta, reset, tref) = NeuronOptions(command);
        var common = new CommonOptions("meanfield-fokker-planck");
        common.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "meanfield fokker-planck", run =>
        {
            string stepText = parse.GetValue(muStep) ?? string.Empty;
            string[] parts = stepText.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
            {
                throw new CliUsageException($"--mu-step '{stepText}': expected two numbers 'MU0,MU1' in mV, e.g. --mu-step 10,15.");
            }

            double mu0 = OptionParsing.ParseDouble(parts[0], "--mu-step (first value)");
            double mu1 = OptionParsing.ParseDouble(parts[1], "--mu-step (second value)");
            OptionParsing.RequireFinite(mu0, "--mu-step (first value)");
            OptionParsing.RequireFinite(mu1, "--mu-step (second value)");
            double sigmaMv = OptionParsing.RequirePositive(parse.GetValue(sigma), "--sigma");
            double durationMs = OptionParsing.RequirePositive(parse.GetValue(duration), "--duration");
            double dtMs = OptionParsing.RequirePositive(parse.GetValue(dt), "--dt-ms");
            double mcDtMs = OptionParsing.RequirePositive(parse.GetValue(mcDt), "--mc-dt-ms");
            string lowerText = parse.GetValue(lower) ?? "auto";
            int n = parse.GetValue(cells);
            int mcN = parse.GetValue(mcNeurons);
            DiffusionLifParameters neuron = Neuron(parse, tau, theta, reset, tref);
            if (n < 8 || n > 1_000_000)
            {
                throw new CliUsageException($"--cells {n}: must be between 8 and 1000000.");
            }

            if (mcN < 0 || mcN > 100_000_000)
            {
                throw new CliUsageException($"--mc-neurons {mcN}: must be between 0 and 1e8.");
            }

            double lowerMv = lowerText.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)
                ? FokkerPlanck.LowerBoundFor(Math.Min(mu0, mu1), sigmaMv, neuron, n)
                : OptionParsing.RequireFinite(OptionParsing.ParseDouble(lowerText, "--lower-mv"), "--lower-mv");
            if (!(lowerMv < neuron.ResetMv))
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--lower-mv {lowerMv}: must be below --reset-mv {neuron.ResetMv}."));
            }

            double position = (neuron.ResetMv - lowerMv) / ((neuron.ThresholdMv - lowerMv) / n);
            if (Math.Abs(position - Math.Round(position)) > 1e-9 || Math.Round(position) < 1 || Math.Round(position) > n - 2)
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--cells {n}: the reset {neuron.ResetMv} mV must fall on a cell interface of [{lowerMv}, {neuron.ThresholdMv}] mV; choose cells so that (reset - lower)/dV is an integer (e.g. a multiple of {(neuron.ThresholdMv - lowerMv) / (neuron.ResetMv - lowerMv):G6} x k)."));
            }

            if (durationMs / Math.Min(dtMs, neuron.RefractoryMs > 0 ? neuron.RefractoryMs : dtMs) > 5e7)
            {
                throw new CliUsageException($"--duration / --dt-ms: more than 5e7 steps; increase --dt-ms or shorten --duration.");
            }

            StepResponseResult r = RunStepResponse(run.PathFor, neuron, mu0, mu1, sigmaMv, durationMs, n, dtMs, lowerMv, mcN, mcDtMs, run.Seed, run.Threads);
            run.Summary["mu_before_mv"] = mu0;
            run.Summary["mu_after_mv"] = mu1;
            run.Summary["sigma_mv"] = sigmaMv;
            run.Summary["cells"] = n;
            run.Summary["lower_mv"] = lowerMv;
            run.Summary["dt_ms"] = r.DtMs;
            run.Summary["rate_initial_hz"] = r.RateHz[0];
            run.Summary["rate_final_hz"] = r.RateHz[^1];
            run.Summary["siegert_rate_after_hz"] = Siegert.RateHz(mu1, sigmaMv, neuron);
            run.Summary["stationary_rate_after_hz"] = FokkerPlanck.Stationary(mu1, sigmaMv, neuron, n, lowerMv).RateHz;
            run.Summary["max_mass_error"] = r.MassError;
            run.Summary["fp_elapsed_ms"] = r.ElapsedMs;
            if (r.MonteCarlo is { } mc)
            {
                (double rate, double se) = mc.Rate(Math.Max(0, durationMs - 10), durationMs);
                run.Summary["mc_neurons"] = mc.Neurons;
                run.Summary["mc_rate_last_10ms_hz"] = rate;
                run.Summary["mc_rate_last_10ms_se_hz"] = se;
            }

            run.Say(string.Create(CultureInfo.InvariantCulture, $"rate {r.RateHz[0]:G6} Hz -> {r.RateHz[^1]:G8} Hz after {durationMs} ms (Siegert {Siegert.RateHz(mu1, sigmaMv, neuron):G8} Hz); max |mass - 1| = {r.MassError:E2}; FP took {r.ElapsedMs:F0} ms"));
        }));
        return command;
    }

    private static Command PerceptronCommand(CliContext cli)
    {
        var command = new Command("perceptron", "A perceptron with the mean-field activation (seed 004) on AND, OR, XOR and two generated Gaussian blobs; learning curves.");
        var epochs = new Option<int>("--epochs") { Description = "Training epochs (>= 1).", DefaultValueFactory = _ => 2000 };
        var rate = Number("--learning-rate", "Learning rate (> 0).", 0.1);
        var a = Number("--a", "Activation slope a (> 0).", 6);
        command.Options.Add(epochs);
        command.Options.Add(rate);
        command.Options.Add(a);
        var common = new CommonOptions("meanfield-perceptron");
        common.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "meanfield perceptron", run =>
        {
            int n = parse.GetValue(epochs);
            if (n < 1)
            {
                throw new CliUsageException($"--epochs {n}: must be at least 1.");
            }

            double eta = OptionParsing.RequirePositive(parse.GetValue(rate), "--learning-rate");
            double slope = OptionParsing.RequirePositive(parse.GetValue(a), "--a");
            double[][] corners = [[0, 0], [0, 1], [1, 0], [1, 1]];
            var rng = new StatNeuro.Numerics.RandomStreams(run.Seed).For(StatNeuro.Numerics.StreamPurpose.Noise, 0);
            var blobs = new double[400][];
            var blobLabels = new int[400];
            for (int k = 0; k < 400; k++)
            {
                blobLabels[k] = k % 2;
                double c = blobLabels[k] == 1 ? 2 : -2;
                blobs[k] = [c + rng.NextNormal(), c + rng.NextNormal()];
            }

            var tasks = new (string Name, double[][] X, int[] Y)[] { ("and", corners, [0, 0, 0, 1]), ("or", corners, [0, 1, 1, 1]), ("xor", corners, [0, 1, 1, 0]), ("blobs", blobs, blobLabels) };
            var epochAxis = Enumerable.Range(1, n).Select(e => (double)e).ToList();
            var header = new List<string> { "epoch" };
            var columns = new List<IReadOnlyList<double>> { epochAxis };
            var series = new List<Series>();
            foreach (var (name, x, y) in tasks)
            {
                PerceptronResult r = Perceptron.Train(x, y, n, eta, slope);
                header.Add($"loss_{name}");
                header.Add($"accuracy_{name}");
                columns.Add(r.Loss);
                columns.Add(r.Accuracy);
                series.Add(new Series(name, epochAxis, r.Loss));
                run.Summary[$"accuracy_{name}"] = r.Accuracy[^1];
                run.Say(string.Create(CultureInfo.InvariantCulture, $"{name,-6} final accuracy {r.Accuracy[^1]:F3}, loss {r.Loss[^1]:G4}"));
            }

            Tables.WriteCsv(run.PathFor("learning_curves.csv"), header, columns);
            FigureWriter.Save(new FigureSpec { Title = "Perceptron learning curves (mean-field activation)", XLabel = "epoch", YLabel = "cross-entropy", LogX = true, Series = series }, SaveTarget(run.PathFor, "learning_curves"));
        }));
        return command;
    }

    /// <summary>Writes seed 004's Fig. 1, Fig. 2 and the spike-count curves; returns the fit.</summary>
    internal static ActivationFit WriteActivation(Func<string, string> pathFor, double slope, double criticalTemperature)
    {
        var t = new List<double>();
        var exact = new List<double>();
        var paper = new List<double>();
        for (int k = 5; k <= 200; k++)
        {
            t.Add(k * 0.01);
        }

        ActivationFit fit = ActivationFunctions.Fit(t);
        var fitted = new List<double>();
        foreach (double x in t)
        {
            exact.Add(ActivationFunctions.ExactMagnetization(x));
            paper.Add(ActivationFunctions.FittedMagnetization(x, slope, criticalTemperature));
            fitted.Add(ActivationFunctions.FittedMagnetization(x, fit.Slope, fit.CriticalTemperature));
        }

        Tables.WriteCsv(pathFor("magnetization.csv"), ["T", "m_exact", "m_fit_given", "m_fit_least_squares"], [t, exact, paper, fitted]);
        FigureWriter.Save(
            new FigureSpec { Title = "Seed 004 Fig. 1/2: m(T) and its tanh fits", XLabel = "T / T_c", YLabel = "m", Series = [new Series("exact m = tanh(m/T)", t, exact), new Series($"fit a = {slope}, T_c = {criticalTemperature}", t, paper, Dashed: true), new Series(string.Create(CultureInfo.InvariantCulture, $"least squares a = {fit.Slope:F3}, T_c = {fit.CriticalTemperature:F3}"), t, fitted, Dashed: true)] },
            SaveTarget(pathFor, "magnetization"));
        var q = new List<double>();
        var softplus = new List<double>();
        var relu = new List<double>();
        var integral = new List<double>();
        var elu = new List<double>();
        for (int k = -300; k <= 300; k++)
        {
            double x = k * 0.01;
            q.Add(x);
            softplus.Add(ActivationFunctions.SpikeCount(1 - x, slope, 1));
            relu.Add(ActivationFunctions.Relu(x));
            integral.Add(ActivationFunctions.PaperIntegral(x) - 1);
            elu.Add(ActivationFunctions.Elu(x, 1));
        }

        Tables.WriteCsv(pathFor("spike_count.csv"), ["input", "softplus_spike_count", "relu", "exact_integral_minus_alpha", "elu_alpha_1"], [q, softplus, relu, integral, elu]);
        FigureWriter.Save(
            new FigureSpec { Title = "Spike-count integrals: softplus -> ReLU, ELU-like", XLabel = "input (T_c - T, or Q)", YLabel = "spike count", Series = [new Series($"softplus(2a x)/(2a), a = {slope}", q, softplus), new Series("ReLU", q, relu, Dashed: true), new Series("(1/2) int_0^Q (tanh + 1) - 1", q, integral), new Series("ELU, alpha = 1", q, elu, Dashed: true)] },
            SaveTarget(pathFor, "spike_count"));
        return fit;
    }

    private static Command ActivationCommand(CliContext cli)
    {
        var command = new Command("activation", "Seed 004: mean-field magnetization, its tanh fits (Fig. 1, 2) and the softplus/ReLU/ELU-like spike counts.");
        var a = Number("--a", "Slope a of the tanh fit (> 0).", 6);
        var tc = Number("--tc", "T_c of the tanh fit (> 0).", 1);
        command.Options.Add(a);
        command.Options.Add(tc);
        var common = new CommonOptions("meanfield-activation");
        common.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "meanfield activation", run =>
        {
            double slope = OptionParsing.RequirePositive(parse.GetValue(a), "--a");
            double critical = OptionParsing.RequirePositive(parse.GetValue(tc), "--tc");
            ActivationFit fit = WriteActivation(run.PathFor, slope, critical);
            run.Summary["least_squares_a"] = fit.Slope;
            run.Summary["least_squares_tc"] = fit.CriticalTemperature;
            run.Summary["least_squares_rms"] = fit.RootMeanSquare;
            run.Summary["paper_rms"] = fit.PaperRootMeanSquare;
            run.Say(string.Create(CultureInfo.InvariantCulture, $"least squares: a = {fit.Slope:F4}, T_c = {fit.CriticalTemperature:F4}, rms {fit.RootMeanSquare:F4} (a = 6, T_c = 1: rms {fit.PaperRootMeanSquare:F4})"));
        }));
        return command;
    }

    /// <summary>Registers NAME.png and NAME.svg with the staged output and returns the path without extension.</summary>
    private static string SaveTarget(Func<string, string> pathFor, string name)
    {
        pathFor(name + ".svg");
        string png = pathFor(name + ".png");
        return png[..^4];
    }

    private static Option<double> Number(string name, string description, double defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    private static Command CurieWeissCommand(CliContext cli)
    {
        var command = new Command("curie-weiss", "Every solution of m = tanh((zJ m + H)/T) with free energy and stability; phase diagram and hysteresis figures.");
        var t = Number("--T", "Temperature T (> 0).", 0.5);
        var h = Number("--H", "Field H.", 0);
        var zj = Number("--zJ", "Coupling zJ (> 0; = T_c).", 1);
        command.Options.Add(t);
        command.Options.Add(h);
        command.Options.Add(zj);
        var common = new CommonOptions("meanfield-curie-weiss");
        common.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "meanfield curie-weiss", run =>
        {
            double temperature = OptionParsing.RequirePositive(parse.GetValue(t), "--T");
            double field = OptionParsing.RequireFinite(parse.GetValue(h), "--H");
            double coupling = OptionParsing.RequirePositive(parse.GetValue(zj), "--zJ");
            IReadOnlyList<CurieWeissState> states = CurieWeiss.Solutions(temperature, field, coupling);
            var list = new JsonArray();
            foreach (CurieWeissState s in states)
            {
                list.Add(new JsonObject
                {
                    ["m"] = s.Magnetization,
                    ["free_energy"] = s.FreeEnergy,
                    ["stable"] = s.Stable,
                    ["susceptibility"] = s.Susceptibility,
                    ["energy"] = s.Energy,
                    ["entropy"] = s.Entropy,
                    ["specific_heat"] = s.SpecificHeat,
                });
                run.Say(string.Create(CultureInfo.InvariantCulture, $"m = {s.Magnetization,12:G10}  f = {s.FreeEnergy,14:G12}  {(s.Stable ? "stable" : "unstable")}"));
            }

            run.Summary["T"] = temperature;
            run.Summary["H"] = field;
            run.Summary["zJ"] = coupling;
            run.Summary["spinodal_field"] = CurieWeiss.SpinodalField(temperature, coupling);
            run.Summary["solutions"] = list;

            // Landscape of both free-energy forms.
            var ms = new List<double>();
            var fl = new List<double>();
            var fbw = new List<double>();
            for (int k = 1; k < 400; k++)
            {
                double m = -1 + (k / 200.0);
                ms.Add(m);
                fl.Add(CurieWeiss.LandauFreeEnergy(m, temperature, field, coupling));
                fbw.Add(CurieWeiss.BraggWilliamsFreeEnergy(m, temperature, field, coupling));
            }

            Tables.WriteCsv(run.PathFor("landscape.csv"), ["m", "f_landau", "f_bragg_williams"], [ms, fl, fbw]);
            FigureWriter.Save(
                new FigureSpec
                {
                    Title = $"Curie–Weiss free energy, T = {temperature}, H = {field}",
                    XLabel = "m",
                    YLabel = "f per spin",
                    Series = [new Series("Landau", ms, fl), new Series("Bragg–Williams", ms, fbw, Dashed: true)],
                },
                SaveTarget(run.PathFor, "landscape"));
        }));
        return command;
    }

    private static DiffusionLifParameters Neuron(ParseResult parse, Option<double> tau, Option<double> theta, Option<double> reset, Option<double> tref)
    {
        double tauMs = OptionParsing.RequirePositive(parse.GetValue(tau), "--tau-ms");
        double thetaMv = OptionParsing.RequireFinite(parse.GetValue(theta), "--theta-mv");
        double resetMv = OptionParsing.RequireFinite(parse.GetValue(reset), "--reset-mv");
        double trefMs = OptionParsing.RequireFinite(parse.GetValue(tref), "--tref-ms");
        if (thetaMv <= resetMv)
        {
            throw new CliUsageException($"--theta-mv {thetaMv.ToString(CultureInfo.InvariantCulture)} must be above --reset-mv {resetMv.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (trefMs < 0)
        {
            throw new CliUsageException($"--tref-ms = {trefMs.ToString(CultureInfo.InvariantCulture)}: must be >= 0.");
        }

        return new DiffusionLifParameters(tauMs, thetaMv, resetMv, trefMs);
    }

    private static (Option<double> Tau, Option<double> Theta, Option<double> Reset, Option<double> Tref) NeuronOptions(Command command)
    {
        var tau = Number("--tau-ms", "Membrane time constant (ms).", 20);
        var theta = Number("--theta-mv", "Threshold above rest (mV).", 20);
        var reset = Number("--reset-mv", "Reset above rest (mV).", 10);
        var tref = Number("--tref-ms", "Refractory period (ms).", 2);
        command.Options.Add(tau);
        command.Options.Add(theta);
        command.Options.Add(reset);
        command.Options.Add(tref);
        return (tau, theta, reset, tref);
    }

    private static Command SiegertCommand(CliContext cli)
    {
        var command = new Command("siegert", "Stationary rate of a LIF neuron in the diffusion approximation (Siegert), its log and derivatives.");
        var mu = new Option<double>("--mu") { Description = "Mean input mu (mV above rest).", Required = true };
        var sigma = new Option<double>("--sigma") { Description = "Noise amplitude sigma (mV, > 0).", Required = true };
        command.Options.Add(mu);
        command.Options.Add(sigma);
        var (tau, theta, reset, tref) = NeuronOptions(command);
        var common = new CommonOptions("meanfield-siegert");
        common.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "meanfield siegert", run =>
        {
            double muMv = OptionParsing.RequireFinite(parse.GetValue(mu), "--mu");
            double sigmaMv = OptionParsing.RequirePositive(parse.GetValue(sigma), "--sigma");
            DiffusionLifParameters neuron = Neuron(parse, tau, theta, reset, tref);
            SiegertResult r = Siegert.Evaluate(muMv, sigmaMv, neuron);
            run.Summary["mu_mv"] = muMv;
            run.Summary["sigma_mv"] = sigmaMv;
            run.Summary["rate_hz"] = r.RateHz;
            run.Summary["log_rate"] = r.LogRateHz;
            run.Summary["dnu_dmu"] = r.DRateDMu;
            run.Summary["dnu_dsigma"] = r.DRateDSigma;
            run.Summary["noiseless_rate_hz"] = Siegert.NoiselessRateHz(muMv, neuron);
            run.Say(string.Create(CultureInfo.InvariantCulture, $"rate = {r.RateHz:G15} Hz  (ln rate = {r.LogRateHz:G15})  dnu/dmu = {r.DRateDMu:G10} Hz/mV  dnu/dsigma = {r.DRateDSigma:G10} Hz/mV"));
        }));
        return command;
    }

    /// <summary>A label for a fixed point: "asynchronous" (no unstable mode), "rate-unstable" (slope &gt; 1),
    /// "oscillatory (fast)" or "oscillatory (slow)" (unstable complex modes above / below 60 Hz).</summary>
    internal static string BrunelState(BrunelFixedPoint point, BrunelStability delayed)
    {
        if (delayed.Stable)
        {
            return "asynchronous";
        }

        if (!point.Stable)
        {
            return "rate-unstable";
        }

        return delayed.FrequencyHz >= 60 ? "oscillatory (fast)" : "oscillatory (slow)";
    }

    /// <summary>The labels of <see cref="BrunelState"/> (plus the phase diagram's "several fixed points"), in plot order.</summary>
    internal static readonly string[] BrunelStates = ["asynchronous", "oscillatory (fast)", "oscillatory (slow)", "rate-unstable", "several fixed points"];

    /// <summary>One marker series per Brunel state label that occurs among the items.</summary>
    internal static List<Series> SeriesByState<T>(IReadOnlyList<T> items, Func<T, string> state, Func<T, double> x, Func<T, double> y)
    {
        var series = new List<Series>();
        foreach (string label in BrunelStates)
        {
            var selected = items.Where(item => state(item) == label).ToList();
            if (selected.Count > 0)
            {
                series.Add(new Series(label, selected.Select(x).ToList(), selected.Select(y).ToList(), Markers: true));
            }
        }

        return series;
    }

    private static void BrunelScan(RunContext run, BrunelModel model, string scanText)
    {
        int eq = scanText.IndexOf('=', StringComparison.Ordinal);
        string name = eq > 0 ? scanText[..eq].Trim() : string.Empty;
        if (name is not ("g" or "nu-ext-ratio"))
        {
            throw new CliUsageException($"--scan '{scanText}': expected 'g=START:STOP:STEP' or 'nu-ext-ratio=START:STOP:STEP'.");
        }

        double[] values = OptionParsing.ParseRange(scanText[(eq + 1)..].Trim(), "--scan " + name);
        if (values.Length > 2000 || (name == "g" ? values[0] < 0 : values[0] <= 0))
        {
            throw new CliUsageException($"--scan '{scanText}': at most 2000 points, and {(name == "g" ? "g >= 0" : "nu-ext-ratio > 0")}.");
        }

        var rows = new List<(double Parameter, BrunelFixedPoint Point, BrunelStability Stability)>[values.Length];
        Parallel.For(0, values.Length, new ParallelOptions { MaxDegreeOfParallelism = run.Threads }, k =>
        {
            BrunelModel m = name == "g" ? model with { RelativeInhibition = values[k] } : model with { ExternalRateRatio = values[k] };
            rows[k] = [.. BrunelNetwork.FixedPoints(m).Select(p => (values[k], p, BrunelNetwork.Stability(m, p.RateHz)))];
        });
        var all = rows.SelectMany(r => r).ToList();
        Tables.WriteCsv(
            run.PathFor("branches.csv"),
            [name.Replace('-', '_'), "rate_hz", "slope", "stable", "delayed_stable", "unstable_modes", "mode_frequency_hz", "mode_growth_rate_per_s"],
            [
                all.Select(r => r.Parameter).ToList(), all.Select(r => r.Point.RateHz).ToList(), all.Select(r => r.Point.Slope).ToList(),
                all.Select(r => r.Point.Stable ? 1.0 : 0.0).ToList(), all.Select(r => r.Stability.Stable ? 1.0 : 0.0).ToList(),
                all.Select(r => (double)r.Stability.UnstableModes).ToList(), all.Select(r => r.Stability.FrequencyHz).ToList(), all.Select(r => r.Stability.GrowthRatePerSecond).ToList(),
            ]);
        List<Series> series = SeriesByState(all, r => BrunelState(r.Point, r.Stability), r => r.Parameter, r => Math.Max(r.Point.RateHz, 1e-30));

        FigureWriter.Save(new FigureSpec { Title = "Brunel model A: fixed points and their delayed stability", XLabel = name, YLabel = "rate (Hz)", LogY = true, Series = series }, SaveTarget(run.PathFor, "branches"));
        run.Summary["scan_parameter"] = name;
        run.Summary["scan_points"] = values.Length;
        run.Summary["scan_fixed_points"] = all.Count;
        run.Say(string.Create(CultureInfo.InvariantCulture, $"scan of {name} over {values.Length} values: {all.Count} fixed points, {all.Count(r => r.Stability.Stable)} asynchronous-stable; branches.csv"));
    }

    private static Command BrunelCommand(CliContext cli)
    {
        var command = new Command("brunel", "Every self-consistent rate of Brunel's (2000) model A with its stability: slope (rate dynamics) and delayed linear stability (oscillatory modes).");
        var j = Number("--J", "Excitatory efficacy J (mV, > 0).", 0.1);
        var g = Number("--g", "Relative inhibition g (>= 0).", 5);
        var ratio = Number("--nu-ext-ratio", "External rate over threshold rate nu_ext/nu_thr (> 0).", 2);
        var ce = Number("--ce", "Excitatory in-degree C_E (> 0).", 1000);
        var gamma = Number("--gamma", "C_I/C_E (>= 0).", 0.25);
        var delay = Number("--delay-ms", "Transmission delay D (ms, >= 0); enters the delayed linear stability of each fixed point.", 1.5);
        foreach (Option<double> o in new[] { j, g, ratio, ce, gamma, delay })
        {
            command.Options.Add(o);
        }

        var scan = new Option<string?>("--scan") { Description = "Follow every fixed point along g or the external drive: 'g=START:STOP:STEP' or 'nu-ext-ratio=START:STOP:STEP' (writes branches.csv and branches.png)." };
        command.Options.Add(scan);
        var (tau, theta, reset, tref) = NeuronOptions(command);
        var common = new CommonOptions("meanfield-brunel");
        common.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "meanfield brunel", run =>
        {
            double jv = OptionParsing.RequirePositive(parse.GetValue(j), "--J");
            double gv = OptionParsing.RequireFinite(parse.GetValue(g), "--g");
            double rv = OptionParsing.RequirePositive(parse.GetValue(ratio), "--nu-ext-ratio");
            double cev = OptionParsing.RequirePositive(parse.GetValue(ce), "--ce");
            double gammav = OptionParsing.RequireFinite(parse.GetValue(gamma), "--gamma");
            double delayv = OptionParsing.RequireFinite(parse.GetValue(delay), "--delay-ms");
            if (gv < 0 || gammav < 0 || delayv < 0)
            {
                throw new CliUsageException("--g, --gamma and --delay-ms must be >= 0.");
            }

            DiffusionLifParameters neuron = Neuron(parse, tau, theta, reset, tref);
            var model = new BrunelModel(jv, gv, rv, cev, gammav, delayv, neuron);
            IReadOnlyList<BrunelFixedPoint> points = BrunelNetwork.FixedPoints(model);
            var list = new JsonArray();
            foreach (BrunelFixedPoint p in points)
            {
                BrunelStability delayed = BrunelNetwork.Stability(model, p.RateHz);
                list.Add(new JsonObject
                {
                    ["rate_hz"] = p.RateHz,
                    ["stable"] = p.Stable,
                    ["mu_mv"] = p.MeanInputMv,
                    ["sigma_mv"] = p.NoiseMv,
                    ["slope"] = p.Slope,
                    ["delayed_stable"] = delayed.Stable,
                    ["unstable_modes"] = delayed.UnstableModes,
                    ["mode_frequency_hz"] = Summary.ToNode(delayed.FrequencyHz),
                    ["mode_growth_rate_per_s"] = Summary.ToNode(delayed.GrowthRatePerSecond),
                    ["state"] = BrunelState(p, delayed),
                    ["high_frequency_limited"] = delayed.HighFrequencyLimited,
                });
                run.Say(string.Create(CultureInfo.InvariantCulture, $"nu = {p.RateHz,14:G12} Hz  mu = {p.MeanInputMv:F4} mV  sigma = {p.NoiseMv:F4} mV  slope = {p.Slope:F4}  {(p.Stable ? "stable" : "unstable")} (rate dynamics); with delay {delayv} ms: {delayed.UnstableModes} unstable modes, rightmost {delayed.FrequencyHz:F1} Hz at {delayed.GrowthRatePerSecond:F1}/s -> {BrunelState(p, delayed)}"));
            }

            run.Summary["nu_thr_hz"] = model.ThresholdRateHz;
            run.Summary["nu_ext_hz"] = model.ExternalRateHz;
            run.Summary["fixed_points"] = list;
            if (parse.GetValue(scan) is { } scanText)
            {
                BrunelScan(run, model, scanText);
            }
        }));
        return command;
    }
}
