using System.CommandLine;
using StatNeuro.Cli.Infrastructure;
using StatNeuro.Dynamics;
using StatNeuro.Neurons;
using StatNeuro.Numerics;
using StatNeuro.Plotting;

namespace StatNeuro.Cli.Commands;

/// <summary><c>statneuro neuron</c>: simulate one neuron (LIF, Hodgkin–Huxley, Izhikevich, AdEx) and its f–I curve.</summary>
internal static class NeuronCommand
{
    private static readonly Dictionary<string, NeuronMethod> s_methods = new(StringComparer.OrdinalIgnoreCase)
    {
        ["euler"] = NeuronMethod.Euler,
        ["midpoint"] = NeuronMethod.Midpoint,
        ["heun"] = NeuronMethod.Heun,
        ["rk4"] = NeuronMethod.RungeKutta4,
        ["dp45"] = NeuronMethod.DormandPrince45,
        ["exp-euler"] = NeuronMethod.ExponentialEuler,
        ["implicit"] = NeuronMethod.Implicit,
        ["exact"] = NeuronMethod.Exact,
    };

    public static Command Create(CliContext cli)
    {
        var command = new Command("neuron", "Simulate a single neuron under injected current; write traces, spikes, a plot and optionally an f–I curve.");
        var model = new Option<string>("--model") { Description = "lif | hh | izhikevich | adex", DefaultValueFactory = _ => "lif" };
        var current = new Option<string?>("--current") { Description = "Injected current in the model's unit (lif nA, hh uA/cm^2, izhikevich mV/ms, adex pA); default: a value that fires." };
        var duration = new Option<string>("--duration") { Description = "Simulated time (ms).", DefaultValueFactory = _ => "100" };
        var dt = new Option<string>("--dt") { Description = "Time step (ms); for dp45/implicit the output grid.", DefaultValueFactory = _ => "0.01" };
        var method = new Option<string>("--method") { Description = "euler | midpoint | heun | rk4 | dp45 | exp-euler | implicit | exact (lif only)", DefaultValueFactory = _ => "rk4" };
        var events = new Option<string>("--events") { Description = "precise (crossing located inside the step) | grid (stamped at step end)", DefaultValueFactory = _ => "precise" };
        var input = new Option<string>("--input") { Description = "constant | step | pulses", DefaultValueFactory = _ => "constant" };
        var onset = new Option<string>("--onset") { Description = "Step or first-pulse onset (ms).", DefaultValueFactory = _ => "0" };
        var pulseWidth = new Option<string>("--pulse-width") { Description = "Pulse width (ms) for --input pulses.", DefaultValueFactory = _ => "1" };
        var pulsePeriod = new Option<string>("--pulse-period") { Description = "Pulse period (ms) for --input pulses.", DefaultValueFactory = _ => "20" };
        var parameters = new Option<string[]>("--param") { Description = "Override a parameter, NAME=VALUE (repeatable), e.g. --param TauMs=20.", AllowMultipleArgumentsPerToken = true };
        var noise = new Option<string>("--noise") { Description = "Noise intensity sigma (white: current*sqrt(ms); with --noise-tau: OU standard deviation).", DefaultValueFactory = _ => "0" };
        var noiseTau = new Option<string>("--noise-tau") { Description = "Correlation time of Ornstein–Uhlenbeck noise (ms); 0 = white.", DefaultValueFactory = _ => "0" };
        var fi = new Option<string?>("--fi") { Description = "Also compute an f–I curve over START:STOP:STEP currents (spike count over --duration), with the rheobase." };
        var recordEvery = new Option<int>("--record-every") { Description = "Write every k-th step to traces.csv.", DefaultValueFactory = _ => 1 };
        command.Options.Add(model);
        command.Options.Add(current);
        command.Options.Add(duration);
        command.Options.Add(dt);
        command.Options.Add(method);
        command.Options.Add(events);
        command.Options.Add(input);
        command.Options.Add(onset);
        command.Options.Add(pulseWidth);
        command.Options.Add(pulsePeriod);
        command.Options.Add(parameters);
        command.Options.Add(noise);
        command.Options.Add(noiseTau);
        command.Options.Add(fi);
        command.Options.Add(recordEvery);
        var common = new CommonOptions("out/neuron");
        common.AddTo(command);

        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "neuron", run =>
        {
            // Validate everything before computing anything.
            string modelName = parse.GetValue(model)!.ToLowerInvariant();
            if (!NeuronModels.Names.Contains(modelName))
            {
                throw new CliUsageException($"--model '{modelName}' is unknown; choose one of: {string.Join(", ", NeuronModels.Names)}.");
            }

            string methodName = parse.GetValue(method)!;
            if (!s_methods.TryGetValue(methodName, out NeuronMethod neuronMethod))
            {
                throw new CliUsageException($"--method '{methodName}' is unknown; choose one of: {string.Join(", ", s_methods.Keys)}.");
            }

            string eventsName = parse.GetValue(events)!.ToLowerInvariant();
            EventMode eventMode = eventsName switch
            {
                "precise" => EventMode.Precise,
                "grid" => EventMode.Grid,
                _ => throw new CliUsageException($"--events '{eventsName}' is unknown; choose precise or grid."),
            };
            Dictionary<string, double> overrides = OptionParsing.ParseAssignments(parse.GetValue(parameters) ?? [], "--param");
            INeuronModel neuron;
            try
            {
                neuron = NeuronModels.Create(modelName, overrides);
            }
            catch (ArgumentException ex)
            {
                throw new CliUsageException($"--param: {ex.Message}.");
            }

            if (neuronMethod == NeuronMethod.Exact && neuron is not LeakyIntegrateAndFire)
            {
                throw new CliUsageException($"--method exact exists only for --model lif; use rk4 or dp45 for {modelName}.");
            }

            if (neuronMethod is NeuronMethod.DormandPrince45 or NeuronMethod.Implicit && neuron.RefractoryMs > 0)
            {
                throw new CliUsageException($"--method {methodName} cannot hold a refractory period (RefractoryMs = {neuron.RefractoryMs}); use a fixed-step method such as rk4 or exact.");
            }

            string? currentText = parse.GetValue(current);
            double amplitude = currentText is null ? NeuronModels.DefaultCurrent(modelName) : OptionParsing.RequireFinite(OptionParsing.ParseDouble(currentText, "--current"), "--current");
            double durationMs = OptionParsing.RequirePositive(OptionParsing.ParseDouble(parse.GetValue(duration)!, "--duration"), "--duration");
            double stepMs = OptionParsing.RequirePositive(OptionParsing.ParseDouble(parse.GetValue(dt)!, "--dt"), "--dt");
            if (stepMs > durationMs)
            {
                throw new CliUsageException($"--dt {stepMs} is longer than --duration {durationMs}; use a smaller --dt.");
            }

            if (durationMs / stepMs > 2e8)
            {
                throw new CliUsageException($"--duration/--dt = {durationMs / stepMs:G3} steps is too many (limit 2e8); use a larger --dt.");
            }

            double onsetMs = OptionParsing.RequireFinite(OptionParsing.ParseDouble(parse.GetValue(onset)!, "--onset"), "--onset");
            double sigma = OptionParsing.RequireFinite(OptionParsing.ParseDouble(parse.GetValue(noise)!, "--noise"), "--noise");
            double tauNoise = OptionParsing.RequireFinite(OptionParsing.ParseDouble(parse.GetValue(noiseTau)!, "--noise-tau"), "--noise-tau");
            if (sigma < 0 || tauNoise < 0)
            {
                throw new CliUsageException("--noise and --noise-tau must be >= 0.");
            }

            CurrentInput currentInput = parse.GetValue(input)!.ToLowerInvariant() switch
            {
                "constant" => new ConstantCurrent(amplitude),
                "step" => new StepCurrent(amplitude, onsetMs),
                "pulses" => PulseInput(amplitude, onsetMs, parse.GetValue(pulseWidth)!, parse.GetValue(pulsePeriod)!),
                string other => throw new CliUsageException($"--input '{other}' is unknown; choose constant, step or pulses."),
            };
            int every = parse.GetValue(recordEvery);
            if (every < 1)
            {
                throw new CliUsageException($"--record-every {every}: must be >= 1.");
            }

            var settings = new NeuronSimulationSettings
            {
                DurationMs = durationMs,
                StepMs = stepMs,
                Method = neuronMethod,
                Events = eventMode,
                RecordEvery = every,
                Noise = sigma > 0 ? new NoiseSpec(sigma, tauNoise) : null,
            };
            IReadOnlyList<string> problems = settings.Validate();
            if (problems.Count > 0)
            {
                throw new CliUsageException(problems[0] + ".");
            }

            string? fiText = parse.GetValue(fi);
            double[]? fiCurrents = fiText is null ? null : OptionParsing.ParseRange(fiText, "--fi");

            // Compute.
            run.Progress($"simulating {modelName} with {methodName}, {durationMs} ms at dt = {stepMs} ms ...");
            var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            NeuronTrace trace = NeuronSimulation.Run(neuron, currentInput, settings, run.Seed);
            run.Summary["run_seconds"] = clock.Elapsed.TotalSeconds;
            run.Summary["run_cpu_seconds"] = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            WriteTrace(run, neuron, trace);
            double[] isi = Statistics.InterSpikeIntervals(trace.SpikeTimes);
            run.Summary["model"] = modelName;
            run.Summary["method"] = methodName;
            run.Summary["events"] = eventsName;
            run.Summary["current"] = amplitude;
            run.Summary["current_unit"] = neuron.CurrentUnit;
            run.Summary["input"] = currentInput.Describe();
            run.Summary["duration_ms"] = durationMs;
            run.Summary["dt_ms"] = stepMs;
            run.Summary["noise_sigma"] = sigma;
            run.Summary["noise_tau_ms"] = tauNoise;
            run.Summary["parameters"] = overrides;
            run.Summary["status"] = trace.Status.ToString();
            run.Summary["steps"] = trace.Steps;
            run.Summary["function_evaluations"] = trace.FunctionEvaluations;
            run.Summary["spike_count"] = trace.SpikeTimes.Length;
            run.Summary["spike_times_ms"] = trace.SpikeTimes;
            run.Summary["rate_hz"] = trace.RateHz(durationMs);
            run.Summary["isi_mean_ms"] = isi.Length > 0 ? Statistics.Mean(isi) : double.NaN;
            run.Summary["isi_cv"] = Statistics.IsiCv(trace.SpikeTimes);
            run.Say($"{modelName}: {trace.SpikeTimes.Length} spikes in {durationMs} ms ({trace.RateHz(durationMs):F2} Hz), status {trace.Status}");
            if (fiCurrents is not null)
            {
                run.Progress($"f–I curve over {fiCurrents.Length} currents ...");
                FiCurve curve = FiCurves.Compute(neuron, fiCurrents, settings, run.Seed, run.Threads);
                Tables.WriteCsv(run.PathFor("fi.csv"), ["current", "spike_count", "rate_hz"], [curve.Currents, curve.SpikeCounts.Select(c => (double)c).ToArray(), curve.RatesHz]);
                run.Figure(
                    new FigureSpec
                    {
                        Title = $"f–I curve, {modelName} ({durationMs} ms window)",
                        XLabel = $"current ({neuron.CurrentUnit})",
                        YLabel = "rate (Hz)",
                        Series = [new Series("rate", curve.Currents, curve.RatesHz)],
                    },
                    "fi");
                run.Summary["rheobase"] = curve.RheobaseCurrent;
                run.Summary["sustained_onset"] = curve.SustainedOnsetCurrent;
                run.Say($"rheobase {curve.RheobaseCurrent:G6} {neuron.CurrentUnit}; sustained firing from {curve.SustainedOnsetCurrent:G6} {neuron.CurrentUnit}");
            }
        }));
        return command;
    }

    private static PulseTrainCurrent PulseInput(double amplitude, double onsetMs, string widthText, string periodText)
    {
        double width = OptionParsing.RequirePositive(OptionParsing.ParseDouble(widthText, "--pulse-width"), "--pulse-width");
        double period = OptionParsing.RequirePositive(OptionParsing.ParseDouble(periodText, "--pulse-period"), "--pulse-period");
        if (width > period)
        {
            throw new CliUsageException($"--pulse-width {width} is longer than --pulse-period {period}.");
        }

        return new PulseTrainCurrent(amplitude, onsetMs, width, period);
    }

    private static void WriteTrace(RunContext run, INeuronModel neuron, NeuronTrace trace)
    {
        int dim = neuron.StateNames.Count;
        var columns = new List<IReadOnlyList<double>> { trace.Times };
        for (int c = 0; c < dim; c++)
        {
            var column = new double[trace.Times.Length];
            for (int r = 0; r < column.Length; r++)
            {
                column[r] = trace.States[r * dim + c];
            }

            columns.Add(column);
        }

        Tables.WriteCsv(run.PathFor("traces.csv"), ["t_ms", .. neuron.StateNames], columns);
        Tables.WriteCsv(run.PathFor("spikes.csv"), ["time_ms"], [trace.SpikeTimes]);
        run.Figure(
            new FigureSpec
            {
                Title = $"{neuron.Name}: membrane potential",
                XLabel = "t (ms)",
                YLabel = "V (mV)",
                Series = [new Series("V", trace.Times, columns[1])],
            },
            "trace");
    }
}
