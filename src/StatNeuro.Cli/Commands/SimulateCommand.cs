using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using StatNeuro.Cli.Infrastructure;
using StatNeuro.Networks;
using StatNeuro.Plasticity;
using StatNeuro.Plotting;

namespace StatNeuro.Cli.Commands;

/// <summary><c>statneuro simulate MODEL</c>: runs a spiking network (a built-in benchmark or a TOML/JSON model file).</summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("simulate", "Simulate a spiking network: a built-in (cuba, cuba40k, coba, cobahh, brunel, pavlov) or a TOML/JSON model file.");
        var model = new Argument<string>("MODEL") { Description = "Built-in name (cuba, cuba40k, coba, cobahh, brunel, pavlov) or path to a .toml/.json model file." };
        var duration = new Option<double?>("--duration") { Description = "Biological time in ms (default 1000, or the model file's duration_ms)." };
        var g = new Option<double>("--g") { Description = "brunel: relative inhibition g (A: 3, B: 6, C: 5, D: 4.5).", DefaultValueFactory = _ => 5 };
        var eta = new Option<double>("--eta") { Description = "brunel: nu_ext / nu_thr (A: 2, B: 4, C: 2, D: 0.9).", DefaultValueFactory = _ => 2 };
        var dt = new Option<double?>("--dt") { Description = "Step in ms (default 0.1, or the model file's dt_ms)." };
        var memory = new Option<double?>("--memory-gib") { Description = "Refuse networks whose estimated memory exceeds this (default: 80 % of available memory)." };
        var noPlots = new Option<bool>("--no-plots") { Description = "Skip the raster and rate figures." };
        var common = new CommonOptions("simulate-out");
        command.Arguments.Add(model);
        command.Options.Add(duration);
        command.Options.Add(g);
        command.Options.Add(eta);
        command.Options.Add(dt);
        command.Options.Add(memory);
        command.Options.Add(noPlots);
        common.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "simulate", run =>
        {
            string name = parse.GetValue(model)!;
            double? durationOpt = parse.GetValue(duration);
            double? dtOpt = parse.GetValue(dt);
            if (durationOpt is { } d0)
            {
                OptionParsing.RequirePositive(d0, "--duration");
            }

            if (dtOpt is { } h0)
            {
                OptionParsing.RequirePositive(h0, "--dt");
            }

            double gv = OptionParsing.RequireFinite(parse.GetValue(g), "--g");
            double etav = OptionParsing.RequireFinite(parse.GetValue(eta), "--eta");
            if (gv < 0 || etav < 0)
            {
                throw new CliUsageException("--g and --eta must be >= 0.");
            }

            if (name.Equals("pavlov", StringComparison.OrdinalIgnoreCase))
            {
                RunPavlov(run, parse.GetValue(noPlots));
                return;
            }

            Network network;
            double durationMs = durationOpt ?? 1000;
            double h = dtOpt ?? 0.1;
            switch (name.ToLowerInvariant())
            {
                case "cuba":
                    network = BuiltinModels.Cuba(4000, 0.02, h);
                    break;
                case "cuba40k":
                    network = BuiltinModels.Cuba(40_000, 0.002, h);
                    break;
                case "coba":
                    network = BuiltinModels.Coba(4000, 0.02, h);
                    break;
                case "cobahh":
                    network = BuiltinModels.Cobahh(4000, 0.02, h);
                    break;
                case "brunel":
                    network = BuiltinModels.Brunel(gv, etav, 10_000, h);
                    break;
                default:
                    if (!File.Exists(name))
                    {
                        throw new CliUsageException($"MODEL '{name}' is neither a built-in ({string.Join(", ", BuiltinModels.Names)}) nor an existing .toml/.json file.");
                    }

                    NetworkModelFile file = NetworkModelFile.Load(name, dtOpt);
                    network = file.Network;
                    durationMs = durationOpt ?? file.DurationMs ?? 1000;
                    break;
            }

            if (parse.GetValue(memory) is { } gib)
            {
                OptionParsing.RequirePositive(gib, "--memory-gib");
                network.MemoryLimitBytes = (long)(gib * 1073741824.0);
            }

            run.Progress($"building {network.NeuronCount} neurons ...");
            var clock = Stopwatch.StartNew();
            try
            {
                network.Build(run.Seed, run.Threads);
            }
            catch (NetworkTooLargeException ex)
            {
                throw new CliUsageException(ex.Message);
            }

            double buildSeconds = clock.Elapsed.TotalSeconds;
            run.Progress($"{network.SynapseCount} synapses in {buildSeconds:F2} s; running {durationMs} ms ...");
            SimulationResult result = network.Run(durationMs, new RunOptions { Seed = run.Seed, Threads = run.Threads });
            WriteOutputs(run, network, result, buildSeconds, name, parse.GetValue(noPlots));
        }));
        return command;
    }

    private static void WriteOutputs(RunContext run, Network network, SimulationResult result, double buildSeconds, string name, bool noPlots)
    {
        double rate = result.MeanRateHz();
        double cv = result.MeanIsiCv();
        run.Summary["model"] = name;
        run.Summary["neurons"] = result.NeuronCount;
        run.Summary["duration_ms"] = result.DurationMs;
        run.Summary["dt_ms"] = result.Dt;
        run.Summary["rate_hz"] = rate;
        run.Summary["cv_isi"] = cv;
        run.Summary["spike_count"] = result.SpikeCount;
        run.Summary["synapse_count"] = network.SynapseCount;
        run.Summary["build_seconds"] = buildSeconds;
        run.Summary["run_seconds"] = result.RunSeconds;
        run.Summary["run_cpu_seconds"] = result.RunCpuSeconds;
        run.Summary["fano_100ms"] = result.MeanFano(100);
        run.Summary["synchrony_1ms"] = result.Synchrony(1);
        run.Summary["synapse_bytes"] = network.SynapseBytes;
        run.Summary["bytes_per_synapse"] = network.SynapseCount == 0 ? 0 : (double)network.SynapseBytes / network.SynapseCount;
        for (int p = 0; p < result.Populations.Count; p++)
        {
            run.Summary[$"rate_hz_{result.Populations[p].Name}"] = result.MeanRateHz(p);
        }

        WriteSpikes(run, result);
        if (!noPlots)
        {
            Plot(Png(run, "raster"), Png(run, "rate"), result, name);
        }

        run.Say($"{name}: {result.NeuronCount} neurons, {network.SynapseCount} synapses, {result.SpikeCount} spikes in {result.DurationMs} ms");
        run.Say($"rate {rate:F3} Hz, ISI CV {cv:F3}, build {buildSeconds:F2} s, run {result.RunSeconds:F2} s ({result.RunCpuSeconds:F2} CPU s)");
    }

    /// <summary>Registers NAME.png with the output folder and returns the staging path without extension.</summary>
    private static string Png(RunContext run, string name) => run.PathFor(name + ".png")[..^4];

    internal static void WriteSpikes(RunContext run, SimulationResult result)
    {
        var sb = new StringBuilder("neuron,time_ms\n");
        ReadOnlySpan<int> steps = result.SpikeSteps, neurons = result.SpikeNeurons;
        for (int k = 0; k < steps.Length; k++)
        {
            sb.Append(neurons[k].ToString(CultureInfo.InvariantCulture)).Append(',').Append(Tables.Format(steps[k] * result.Dt)).Append('\n');
        }

        File.WriteAllText(run.PathFor("spikes.csv"), sb.ToString());
        var data = new double[steps.Length * 2];
        for (int k = 0; k < steps.Length; k++)
        {
            data[2 * k] = neurons[k];
            data[2 * k + 1] = steps[k] * result.Dt;
        }

        Npy.WriteFloat64(run.PathFor("spikes.npy"), data, steps.Length, 2);
    }

    internal static void Plot(string rasterPath, string ratePath, SimulationResult result, string name, int maxNeurons = 500)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        ReadOnlySpan<int> steps = result.SpikeSteps, neurons = result.SpikeNeurons;
        int shown = Math.Min(maxNeurons, result.NeuronCount);
        for (int k = 0; k < steps.Length; k++)
        {
            if (neurons[k] < shown)
            {
                xs.Add(steps[k] * result.Dt);
                ys.Add(neurons[k]);
            }
        }

        FigureWriter.Save(new FigureSpec { Title = $"{name}: spikes of neurons 0-{shown - 1}", XLabel = "time (ms)", YLabel = "neuron", Series = [new Series("", xs, ys, Markers: true)] }, rasterPath, svg: false);
        double[] rate = result.PopulationRate(1);
        double[] t = Enumerable.Range(0, rate.Length).Select(b => b + 0.5).ToArray();
        FigureWriter.Save(new FigureSpec { Title = $"{name}: population rate (1 ms bins)", XLabel = "time (ms)", YLabel = "rate (Hz)", Series = [new Series("all", t, rate)] }, ratePath, svg: false);
    }

    private static void RunPavlov(RunContext run, bool noPlots)
    {
        PavlovResult r = PavlovExperiment.Run(new PavlovOptions { Seed = run.Seed });
        run.Summary["model"] = "pavlov";
        run.Summary["rate_hz"] = r.Result.MeanRateHz();
        run.Summary["cv_isi"] = r.Result.MeanIsiCv();
        run.Summary["spike_count"] = r.Result.SpikeCount;
        run.Summary["synapse_count"] = r.SynapseCount;
        run.Summary["build_seconds"] = r.BuildSeconds;
        run.Summary["run_seconds"] = r.Result.RunSeconds;
        run.Summary["output_spikes_bell_before"] = r.OutputSpikesBellBefore;
        run.Summary["output_spikes_bell_after"] = r.OutputSpikesBellAfter;
        run.Summary["bell_weight_before"] = r.WeightsMs.Count > 0 ? r.MeanBellWeight[0] : double.NaN;
        run.Summary["bell_weight_after"] = r.MeanBellWeight.Count > 0 ? r.MeanBellWeight[^1] : double.NaN;
        WriteSpikes(run, r.Result);
        if (!noPlots)
        {
            FigureWriter.Save(new FigureSpec { Title = "Pavlov: mean bell -> salivation weight", XLabel = "time (ms)", YLabel = "weight (mV)", Series = [new Series("bell weight", r.WeightsMs, r.MeanBellWeight)] }, Png(run, "weights"), svg: false);
            Plot(Png(run, "raster"), Png(run, "rate"), r.Result, "pavlov");
        }

        run.Say($"pavlov: bell alone evokes {r.OutputSpikesBellBefore} output spike(s) before training and {r.OutputSpikesBellAfter} after; mean bell weight {r.MeanBellWeight[0]:F2} -> {r.MeanBellWeight[^1]:F2} mV");
    }
}

/// <summary>Writes NumPy .npy files (format 1.0, little endian).</summary>
internal static class Npy
{
    public static void WriteFloat64(string path, double[] data, int rows, int cols)
    {
        string header = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {cols}), }}";
        int total = 10 + header.Length + 1;
        int pad = (64 - total % 64) % 64;
        header = header + new string(' ', pad) + "\n";
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream);
        writer.Write((byte)0x93);
        writer.Write("NUMPY"u8);
        writer.Write((byte)1);
        writer.Write((byte)0);
        writer.Write((ushort)header.Length);
        writer.Write(Encoding.ASCII.GetBytes(header));
        foreach (double v in data)
        {
            writer.Write(v);
        }
    }
}
