using System.CommandLine;
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

    private static Command BrunelCommand(CliContext cli)
    {
        var command = new Command("brunel", "Every self-consistent rate of Brunel's (2000) model A with its stability.");
        var j = Number("--J", "Excitatory efficacy J (mV, > 0).", 0.1);
        var g = Number("--g", "Relative inhibition g (>= 0).", 5);
        var ratio = Number("--nu-ext-ratio", "External rate over threshold rate nu_ext/nu_thr (> 0).", 2);
        var ce = Number("--ce", "Excitatory in-degree C_E (> 0).", 1000);
        var gamma = Number("--gamma", "C_I/C_E (>= 0).", 0.25);
        var delay = Number("--delay-ms", "Delay D (ms, >= 0; recorded, used only by the dynamics).", 1.5);
        foreach (Option<double> o in new[] { j, g, ratio, ce, gamma, delay })
        {
            command.Options.Add(o);
        }

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
                list.Add(new JsonObject
                {
                    ["rate_hz"] = p.RateHz,
                    ["stable"] = p.Stable,
                    ["mu_mv"] = p.MeanInputMv,
                    ["sigma_mv"] = p.NoiseMv,
                    ["slope"] = p.Slope,
                });
                run.Say(string.Create(CultureInfo.InvariantCulture, $"nu = {p.RateHz,14:G12} Hz  mu = {p.MeanInputMv:F4} mV  sigma = {p.NoiseMv:F4} mV  slope = {p.Slope:F4}  {(p.Stable ? "stable" : "unstable")}"));
            }

            run.Summary["nu_thr_hz"] = model.ThresholdRateHz;
            run.Summary["nu_ext_hz"] = model.ExternalRateHz;
            run.Summary["fixed_points"] = list;
        }));
        return command;
    }
}
