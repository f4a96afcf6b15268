using System.CommandLine;
using System.Text.Json.Nodes;
using StatNeuro.Cli.Infrastructure;
using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Cli.Commands;

/// <summary><c>statneuro ising sample</c>: draw configurations from an Ising model (a model folder or a planted SK model).</summary>
internal static class IsingCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("ising", "Equilibrium Ising models (±1 spins).");
        command.Subcommands.Add(CreateSample(cli));
        return command;
    }

    private static Command CreateSample(CliContext cli)
    {
        var command = new Command("sample", "Sample an Ising model by Monte Carlo (or exactly for N <= 25 with --exact), or a kinetic Ising time series by Glauber dynamics with --kinetic; writes samples.npy (uint8 0/1, 0 = spin -1).");
        var common = new CommonOptions("ising-samples");
        var model = new Option<string?>("--model") { Description = "Model folder with h.csv and J.csv (from 'infer ising'). Without it, a planted SK model is drawn." };
        var size = new Option<int>("--size") { Description = "Planted SK model: number of spins N.", DefaultValueFactory = _ => 100 };
        var beta = new Option<double>("--beta") { Description = "Planted SK model: J_ij ~ N(0, beta^2/N).", DefaultValueFactory = _ => 0.5 };
        var fieldSd = new Option<double>("--field-sd") { Description = "Planted SK model: h_i ~ N(0, sd^2).", DefaultValueFactory = _ => 0.3 };
        var samples = new Option<int>("--samples") { Description = "Samples per chain (or total with --exact).", DefaultValueFactory = _ => 10_000 };
        var chains = new Option<int>("--chains") { Description = "Independent chains.", DefaultValueFactory = _ => 8 };
        var burnIn = new Option<int>("--burn-in") { Description = "Sweeps discarded per chain.", DefaultValueFactory = _ => 1000 };
        var thin = new Option<int>("--thin") { Description = "Sweeps between stored samples.", DefaultValueFactory = _ => 1 };
        var sampler = new Option<string>("--sampler") { Description = "metropolis or heatbath.", DefaultValueFactory = _ => "metropolis" };
        var exact = new Option<bool>("--exact") { Description = "Independent exact samples from the enumerated distribution (N <= 25)." };
        var kinetic = new Option<bool>("--kinetic") { Description = "Kinetic (non-equilibrium) Ising time series by Glauber dynamics instead: --model is an 'infer kinetic' folder (asymmetric J), the planted model has J_ij ~ N(0, beta^2/N) independent; --samples = steps per segment, --chains = segments (repeats), --burn-in = steps discarded per segment." };
        var autoThin = new Option<bool>("--auto-thin") { Description = "Choose --burn-in and --thin from a pilot run (2000 sweeps of max(--chains, 4) chains): thinning = the energy's integrated autocorrelation time in sweeps, burn-in = max(20 tau, 1000); both are reported in summary.json." };
        var tempering = new Option<int>("--tempering") { Description = "Parallel tempering with this many temperatures per chain (geometric ladder from --min-beta to 1; only the beta = 1 replica is stored). For glassy or low-temperature models. 0 = plain chains.", DefaultValueFactory = _ => 0 };
        var minBeta = new Option<double>("--min-beta") { Description = "With --tempering: the hottest replica's inverse temperature as a fraction of the model's, in (0, 1).", DefaultValueFactory = _ => 0.3 };
        var dynamics = new Option<string>("--dynamics") { Description = "With --kinetic: parallel (synchronous) or sequential (random-order) Glauber updates.", DefaultValueFactory = _ => "parallel" };
        foreach (Option o in new Option[] { model, size, beta, fieldSd, samples, chains, burnIn, thin, sampler, exact, kinetic, dynamics, tempering, minBeta, autoThin })
        {
            command.Options.Add(o);
        }

        common.AddTo(command);
        command.SetAction(parse => CommandRunner.Execute(cli, parse, common, "ising sample", run =>
        {
            string? folder = parse.GetValue(model);
            int n = parse.GetValue(size), perChain = parse.GetValue(samples), chainCount = parse.GetValue(chains);
            int burn = parse.GetValue(burnIn), thinning = parse.GetValue(thin);
            double b = OptionParsing.RequireFinite(parse.GetValue(beta), "--beta");
            double sd = OptionParsing.RequireFinite(parse.GetValue(fieldSd), "--field-sd");
            if (folder is null && (n < 1 || n > 100_000))
            {
                throw new CliUsageException($"--size {n}: must be between 1 and 100000.");
            }

            if (perChain < 1 || chainCount < 1 || burn < 0 || thinning < 1)
            {
                throw new CliUsageException("--samples, --chains and --thin must be >= 1 and --burn-in >= 0.");
            }

            if (parse.GetValue(kinetic))
            {
                KineticSampleCommand.Run(run, folder, n, b, sd, perChain, chainCount, burn, parse.GetValue(dynamics) ?? "parallel");
                return;
            }

            string kindText = parse.GetValue(sampler) ?? "metropolis";
            SamplerKind kind = kindText.ToLowerInvariant() switch
            {
                "metropolis" => SamplerKind.Metropolis,
                "heatbath" or "gibbs" => SamplerKind.HeatBath,
                _ => throw new CliUsageException($"--sampler '{kindText}': use metropolis or heatbath."),
            };
            IsingModel m = folder is null ? IsingModel.SherringtonKirkpatrick(n, b, sd, run.Seed) : ModelFolder.Read(folder);
            bool useExact = parse.GetValue(exact);
            if (useExact && m.Size > ExactEnumeration.MaxSize)
            {
                throw new CliUsageException($"--exact: N = {m.Size} is too large for exact sampling (at most {ExactEnumeration.MaxSize}); drop --exact to use Monte Carlo.");
            }

            if ((long)perChain * chainCount * m.Size > 2_000_000_000L)
            {
                throw new CliUsageException($"--samples x --chains x N = {(long)perChain * chainCount * m.Size} values is too large (at most 2e9).");
            }

            SpinRaster raster;
            if (useExact)
            {
                raster = ExactEnumeration.Sample(m, perChain, run.Seed);
                run.Summary["method"] = "exact";
            }
            else
            {
                int levels = parse.GetValue(tempering);
                double hottest = parse.GetValue(minBeta);
                if (levels < 0 || levels == 1)
                {
                    throw new CliUsageException($"--tempering {levels}: give 0 (plain chains) or at least 2 temperatures.");
                }

                if (!(hottest > 0 && hottest < 1))
                {
                    throw new CliUsageException($"--min-beta {hottest}: must lie strictly between 0 and 1.");
                }

                if (parse.GetValue(autoThin))
                {
                    SamplerTuning tuning = IsingSampler.Tune(m, kind, Math.Max(chainCount, 4), run.Seed + 0x9E37, 2000, run.Threads);
                    burn = tuning.BurnInSweeps;
                    thinning = tuning.SweepsPerSample;
                    run.Summary["auto_thin_autocorrelation_sweeps"] = tuning.AutocorrelationSweeps;
                    run.Summary["auto_thin_pilot_r_hat"] = tuning.PilotRHat;
                    run.Progress($"pilot: energy autocorrelation {tuning.AutocorrelationSweeps:F1} sweeps, R-hat {tuning.PilotRHat:F3} -> burn-in {burn}, thin {thinning}");
                    if (!(tuning.PilotRHat <= 1.05))
                    {
                        run.Say($"warning: the 2000-sweep pilot did not converge (R-hat {tuning.PilotRHat:F3}); consider --tempering.");
                    }
                }

                run.Summary["burn_in"] = burn;
                run.Summary["thin"] = thinning;
                var settings = new SamplerSettings { Kind = kind, Chains = chainCount, BurnInSweeps = burn, SamplesPerChain = perChain, SweepsPerSample = thinning };
                SampleSet set;
                if (levels >= 2)
                {
                    run.Progress($"parallel tempering: {chainCount} runs x {levels} temperatures x {perChain} samples of N = {m.Size} ...");
                    TemperedSampleSet tempered = ParallelTempering.Sample(m, settings, new TemperingSettings { Temperatures = levels, MinBeta = hottest }, run.Seed, run.Threads);
                    set = tempered.Samples;
                    run.Summary["tempering_betas"] = Summary.ToNode(tempered.Betas);
                    run.Summary["tempering_exchange_acceptance"] = Summary.ToNode(tempered.ExchangeAcceptance);
                    run.Summary["tempering_min_exchange_acceptance"] = tempered.ExchangeAcceptance.Min();
                }
                else
                {
                    run.Progress($"sampling {chainCount} chains x {perChain} samples of N = {m.Size} ...");
                    set = IsingSampler.Sample(m, settings, run.Seed, run.Threads);
                }

                raster = set.Samples;
                run.Summary["method"] = kindText.ToLowerInvariant() + (levels >= 2 ? "+tempering" : "");
                run.Summary["spin_updates"] = set.SpinUpdates;
                run.Summary["spin_updates_per_second"] = set.SpinUpdates / set.Seconds;
                run.Summary["energy_r_hat"] = set.Diagnostics.EnergyRHat;
                run.Summary["energy_ess"] = set.Diagnostics.EnergyEffectiveSampleSize;
                run.Summary["energy_autocorrelation_time"] = set.Diagnostics.EnergyAutocorrelationTime;
                run.Summary["max_mean_r_hat"] = set.Diagnostics.MaxMeanRHat;
            }

            NpyFile.Write(run.PathFor("samples.npy"), raster);
            if (folder is null)
            {
                ModelFolder.Write(f => run.PathFor(Path.Combine("model", f)), m, new JsonObject { ["method"] = "planted-sk", ["beta"] = b, ["field_sd"] = sd });
            }

            double[] means = raster.Means();
            Tables.WriteCsv(run.PathFor("means.csv"), ["neuron", "mean"], [Enumerable.Range(0, means.Length).Select(i => (double)i).ToList(), means]);
            run.Summary["n"] = m.Size;
            run.Summary["samples"] = raster.TimeBins;
            run.Summary["mean_magnetization"] = means.Average();
            run.Say($"{raster.TimeBins} samples of N = {m.Size} written to samples.npy.");
        }));
        return command;
    }
}
