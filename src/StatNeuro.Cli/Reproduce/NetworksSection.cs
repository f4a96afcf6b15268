using StatNeuro.Networks;
using StatNeuro.Plasticity;
using StatNeuro.Plotting;

namespace StatNeuro.Cli.Reproduce;

/// <summary>Spiking networks: CUBA raster, Brunel (2000) states A–D, the STDP window and the Pavlov example.</summary>
internal sealed class NetworksSection : IReproduceSection
{
    public string Name => "networks";

    public string Title => "Spiking networks: CUBA, Brunel states A-D, STDP window, Pavlov conditioning";

    public void Run(SectionContext context)
    {
        Cuba(context);
        Brunel(context);
        StdpWindow(context);
        Pavlov(context);
    }

    private static void Cuba(SectionContext context)
    {
        context.Progress("CUBA (4000 LIF, 1 s) ...");
        Network net = BuiltinModels.Cuba();
        net.Build(context.Seed, context.Threads);
        SimulationResult r = net.Run(1000, new RunOptions { Seed = context.Seed, Threads = context.Threads });
        context.Figure(Raster(r, "CUBA: 4000 LIF neurons (first 400 shown)", 400, 0, 1000), "cuba_raster", "CUBA benchmark (Brette et al. 2007): raster of neurons 0-399 over 1 s.");
        double[] rate = r.PopulationRate(1);
        context.Figure(new FigureSpec { Title = "CUBA: population rate (1 ms bins)", XLabel = "time (ms)", YLabel = "rate (Hz)", Series = [new Series("", Enumerable.Range(0, rate.Length).Select(b => b + 0.5).ToArray(), rate)] }, "cuba_rate", "CUBA population rate.");
        context.Number("cuba_rate_hz", r.MeanRateHz());
        context.Number("cuba_cv_isi", r.MeanIsiCv());
        context.Number("cuba_synapses", net.SynapseCount);
        context.Number("cuba_run_seconds", r.RunSeconds);
        context.Text($"CUBA: {r.MeanRateHz():F2} Hz, ISI CV {r.MeanIsiCv():F3} (Brian2 2.5.1 over 10 seeds: 5.61 ± 0.21 Hz, CV 0.524 ± 0.012), {net.SynapseCount} synapses, loop {r.RunSeconds:F2} s.");
    }

    private static void Brunel(SectionContext context)
    {
        (string Label, double G, double Eta)[] states = [("A (SR)", 3, 2), ("B (SI fast)", 6, 4), ("C (AI)", 5, 2), ("D (SI slow)", 4.5, 0.9)];
        double duration = context.Full ? 1200 : 600;
        var rows = new List<IReadOnlyList<string>>();
        foreach ((string label, double g, double eta) in states)
        {
            context.Progress($"Brunel {label}: g = {g}, eta = {eta}, {duration} ms ...");
            Network net = BuiltinModels.Brunel(g, eta);
            net.Build(context.Seed, context.Threads);
            SimulationResult r = net.Run(duration, new RunOptions { Seed = context.Seed, Threads = context.Threads, RecordSpikesOf = ["exc"] });
            string key = label[..1];
            context.Figure(Raster(r, $"Brunel {label}: g = {g}, eta = {eta}", 100, duration - 200, duration), $"brunel_{key}", $"Brunel (2000) state {label}: 100 excitatory neurons, last 200 ms.");
            double[] rate = r.PopulationRate(0.5, 0);
            int from = rate.Length - 400;
            context.Figure(new FigureSpec { Title = $"Brunel {label}: excitatory population rate", XLabel = "time (ms)", YLabel = "rate (Hz)", Series = [new Series("", Enumerable.Range(from, 400).Select(b => b * 0.5).ToArray(), rate[from..])] }, $"brunel_{key}_rate", $"State {label}: population rate (0.5 ms bins), last 200 ms.");
            double rateE = r.MeanRateHz(0);
            double cv = r.MeanIsiCv();
            double chi = r.Synchrony(1);
            context.Number($"brunel_{key}_rate_hz", rateE);
            context.Number($"brunel_{key}_cv_isi", cv);
            context.Number($"brunel_{key}_synchrony", chi);
            rows.Add([label, $"{g}", $"{eta}", $"{rateE:F1}", $"{cv:F3}", $"{chi:F3}"]);
        }

        context.TextTable("Brunel (2000) model A, N_E = 10 000, N_I = 2 500, C_E = 1000, J = 0.1 mV, D = 1.5 ms: rate and ISI CV of the excitatory population, synchrony chi (1 ms bins). Brunel's Fig. 8: A synchronous regular, B fast oscillation, C asynchronous irregular (Brian2: 37.1 ± 2.1 Hz, CV 0.408), D slow oscillation.",
            ["state", "g", "eta", "rate (Hz)", "ISI CV", "chi"], rows);
    }

    private static void StdpWindow(SectionContext context)
    {
        context.Progress("STDP pair window ...");
        var rule = new StdpRule { TauPlus = 16.8, TauMinus = 33.7, APlus = 0.01, AMinus = 0.0105 };
        var dts = new List<double>();
        var sim = new List<double>();
        var exact = new List<double>();
        double maxError = 0;
        for (int d = -100; d <= 100; d++)
        {
            if (d == 0)
            {
                continue;
            }

            double dw = PairChange(rule, d);
            dts.Add(d);
            sim.Add(dw);
            exact.Add(rule.PairWindow(d));
            maxError = Math.Max(maxError, Math.Abs(dw - rule.PairWindow(d)));
        }

        context.Figure(new FigureSpec
        {
            Title = "STDP window of the trace model (one pre/post pair)",
            XLabel = "dt = t_post - t_pre (ms)",
            YLabel = "weight change",
            Series = [new Series("closed form A+ e^(-dt/tau+), -A- e^(dt/tau-)", dts, exact), new Series("network simulation", dts, sim, Markers: true)],
        }, "stdp_window", "STDP weight change for one pair versus Δt: simulation (markers) and closed form (line); tau+ = 16.8, tau- = 33.7 ms (Bi & Poo 1998 fits).");
        context.Number("stdp_window_max_abs_error", maxError);
        context.Text($"STDP window: max |simulated − closed form| over Δt = ±1…±100 ms is {maxError:E2}.");
    }

    private static double PairChange(StdpRule rule, double deltaTMs)
    {
        const double t0 = 110;
        var net = new Network(0.1);
        var a = net.Add(new SpikeSourcePopulation("pre", 1, [(0, t0)]));
        var b = net.Add(new SpikeSourcePopulation("post", 1, [(0, t0 + deltaTMs)]));
        Projection p = net.Connect(a, b, "ignored", new ConnectionSpec(new ConnectionRule.AllToAll(), ValueSpec.Constant(0.5), ValueSpec.Constant(0)), rule);
        net.Run(t0 + 110);
        return p.PlasticWeights![0] - 0.5;
    }

    private static void Pavlov(SectionContext context)
    {
        context.Progress("Pavlov conditioning ...");
        PavlovResult r = PavlovExperiment.Run(new PavlovOptions { Seed = context.Seed });
        context.Figure(new FigureSpec { Title = "Pavlov: mean bell -> salivation weight during training", XLabel = "time (ms)", YLabel = "weight (mV)", Series = [new Series("", r.WeightsMs, r.MeanBellWeight)] }, "pavlov_weights", "Mean weight of the bell synapses: it grows with each bell-then-food pairing (pre-before-post STDP) until the bound.");
        context.Figure(Raster(r.Result, "Pavlov: bell (0-9), food (10-19), salivation (20)", 21, 0, r.Result.DurationMs), "pavlov_raster", "Spikes of the bell and food inputs and of the salivation neuron (index 20).");
        context.Number("pavlov_output_spikes_bell_before", r.OutputSpikesBellBefore);
        context.Number("pavlov_output_spikes_bell_after", r.OutputSpikesBellAfter);
        context.Number("pavlov_weight_before", r.MeanBellWeight[0]);
        context.Number("pavlov_weight_after", r.MeanBellWeight[^1]);
        context.Text($"Pavlov: the bell alone evokes {r.OutputSpikesBellBefore} salivation spike(s) before training and {r.OutputSpikesBellAfter} after 20 pairings; mean bell weight {r.MeanBellWeight[0]:F2} → {r.MeanBellWeight[^1]:F2} mV.");
    }

    private static FigureSpec Raster(SimulationResult r, string title, int neurons, double fromMs, double toMs)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        ReadOnlySpan<int> steps = r.SpikeSteps, ids = r.SpikeNeurons;
        for (int k = 0; k < steps.Length; k++)
        {
            double t = steps[k] * r.Dt;
            if (ids[k] < neurons && t >= fromMs && t <= toMs)
            {
                xs.Add(t);
                ys.Add(ids[k]);
            }
        }

        return new FigureSpec { Title = title, XLabel = "time (ms)", YLabel = "neuron", Series = [new Series("", xs, ys, Markers: true)] };
    }
}
