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
        return command;
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
                run.PathFor("landscape"));
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
