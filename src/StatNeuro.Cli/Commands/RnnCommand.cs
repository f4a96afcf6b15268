using System.CommandLine;
using System.Globalization;
using StatNeuro.Cli.Infrastructure;
using StatNeuro.Plotting;
using StatNeuro.RateNetworks;

namespace StatNeuro.Cli.Commands;

/// <summary><c>statneuro rnn simulate|lyapunov|dmft|ness|sweep</c>: random rate networks at the edge of chaos.</summary>
internal static partial class RnnCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("rnn", "Random rate networks dx/dt = -x + J phi(x) + noise: simulation, Lyapunov exponents, DMFT, the Qiu-Huang measure.");
        command.Subcommands.Add(Simulate(cli));
        command.Subcommands.Add(Lyapunov(cli));
        command.Subcommands.Add(Dmft(cli));
        command.Subcommands.Add(Ness(cli));
        command.Subcommands.Add(Sweep(cli));
        return command;
    }

    /// <summary>The model options shared by the subcommands.</summary>
    private sealed class ModelOptions
    {
        public Option<int> N { get; } = new("--n") { Description = "Number of units (>= 2).", DefaultValueFactory = _ => 1000 };

        public Option<double> G { get; } = new("--g") { Description = "Coupling gain g >= 0 ([J_ij^2] = g^2/N).", DefaultValueFactory = _ => 2.0 };

        public Option<double> Gamma { get; } = new("--gamma") { Description = "Reciprocity gamma in [-1, 1] ([J_ij J_ji] = gamma g^2/N).", DefaultValueFactory = _ => 0.0 };

        public Option<double> Noise { get; } = new("--noise") { Description = "White-noise intensity D >= 0, <xi xi> = 2D delta.", DefaultValueFactory = _ => 0.0 };

        public Option<string> Beta { get; } = new("--beta") { Description = "Inverse temperature beta > 0 of exp(-beta E), or 'inf'.", DefaultValueFactory = _ => "1e4" };

        public Option<string> Phi { get; } = new("--phi") { Description = "Transfer function: tanh, relu, erf, linear.", DefaultValueFactory = _ => "tanh" };

        public Option<double> Dt { get; } = new("--dt") { Description = "Time step (default 0.1 without noise, 0.02 with noise)." };

        public Option<double> Time { get; } = new("--t") { Description = "Measured time T after the transient.", DefaultValueFactory = _ => 400.0 };

        public Option<double> Transient { get; } = new("--transient") { Description = "Discarded initial time.", DefaultValueFactory = _ => 100.0 };

        public void Add(Command c, params Option[] which)
        {
            foreach (Option o in which)
            {
                c.Options.Add(o);
            }
        }

        public int ReadN(ParseResult p)
        {
            int n = p.GetValue(N);
            if (n < 2)
            {
                throw new CliUsageException($"--n {n}: a network needs at least 2 units; use e.g. --n 1000.");
            }

            return n;
        }

        public double ReadG(ParseResult p)
        {
            double g = OptionParsing.RequireFinite(p.GetValue(G), "--g");
            if (g < 0)
            {
                throw new CliUsageException($"--g {Fmt(g)}: the gain must be >= 0 (it is a standard deviation scale).");
            }

            return g;
        }

        public double ReadGamma(ParseResult p)
        {
            double gamma = OptionParsing.RequireFinite(p.GetValue(Gamma), "--gamma");
            if (Math.Abs(gamma) > 1)
            {
                throw new CliUsageException($"--gamma {Fmt(gamma)}: the reciprocity is a correlation and must lie in [-1, 1].");
            }

            return gamma;
        }

        public double ReadNoise(ParseResult p)
        {
            double d = OptionParsing.RequireFinite(p.GetValue(Noise), "--noise");
            if (d < 0)
            {
                throw new CliUsageException($"--noise {Fmt(d)}: the noise intensity D must be >= 0.");
            }

            return d;
        }

        public double ReadBeta(ParseResult p)
        {
            double beta = OptionParsing.ParseDouble(p.GetValue(Beta) ?? "1e4", "--beta");
            if (double.IsNaN(beta) || beta <= 0)
            {
                throw new CliUsageException($"--beta {p.GetValue(Beta)}: the inverse temperature must be > 0 (or 'inf').");
            }

            return beta;
        }

        public RateActivation ReadPhi(ParseResult p)
        {
            string name = p.GetValue(Phi) ?? "tanh";
            if (!RateActivations.TryParse(name, out RateActivation a))
            {
                throw new CliUsageException($"--phi '{name}': unknown transfer function; choose tanh, relu, erf or linear.");
            }

            return a;
        }

        public RateSimulationOptions ReadSimulation(ParseResult p, double noise, ulong seed)
        {
            double dt = p.GetValue(Dt);
            if (dt == 0)
            {
                dt = noise > 0 ? 0.02 : 0.1;
            }

            OptionParsing.RequirePositive(dt, "--dt");
            double t = OptionParsing.RequirePositive(p.GetValue(Time), "--t");
            double tr = OptionParsing.RequireFinite(p.GetValue(Transient), "--transient");
            if (tr < 0)
            {
                throw new CliUsageException($"--transient {Fmt(tr)}: must be >= 0.");
            }

            if (t / dt > 5e7)
            {
                throw new CliUsageException($"--t {Fmt(t)} with --dt {Fmt(dt)}: too many steps (at most 5e7).");
            }

            return new RateSimulationOptions { Dt = dt, Duration = t, Transient = tr, NoiseD = noise, Seed = seed };
        }
    }

    internal static string Fmt(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static Command Simulate(CliContext cli)
    {
        var c = new Command("simulate", "Simulate a random rate network; writes traces.csv, a trajectory figure and Delta0.");
        var m = new ModelOptions();
        var units = new Option<int>("--units") { Description = "Number of units to record.", DefaultValueFactory = _ => 20 };
        m.Add(c, m.N, m.G, m.Gamma, m.Noise, m.Phi, m.Dt, m.Time, m.Transient, units);
        var common = new CommonOptions("rnn-simulate");
        common.AddTo(c);
        c.SetAction(parse => CommandRunner.Execute(cli, parse, common, "rnn simulate", run =>
        {
            int n = m.ReadN(parse);
            double g = m.ReadG(parse), gamma = m.ReadGamma(parse), noise = m.ReadNoise(parse);
            RateActivation phi = m.ReadPhi(parse);
            int rec = parse.GetValue(units);
            if (rec < 0)
            {
                throw new CliUsageException($"--units {rec}: must be >= 0.");
            }

            RateSimulationOptions o = m.ReadSimulation(parse, noise, run.Seed) with { RecordUnits = Math.Min(rec, n) };
            var net = RateNetwork.Create(n, g, gamma, phi, run.Seed);
            net.Threads = run.Threads;
            RateSimulationResult r = RateSimulation.Run(net, o, 0, f => run.Progress($"simulate {f:P0}"));
            WriteTraces(run, r);
            Parameters(run, n, g, gamma, noise, phi, o);
            run.Summary["delta0"] = r.Delta0;
            run.Summary["delta0_se"] = r.Delta0StandardError;
            run.Summary["phi_square"] = r.PhiSquare;
            run.Say($"Delta0 = {Fmt(r.Delta0)} +- {Fmt(r.Delta0StandardError)}");
        }));
        return c;
    }

    private static Command Lyapunov(CliContext cli)
    {
        var c = new Command("lyapunov", "Lyapunov exponents by Benettin's method (k > 1: QR) with block standard errors.");
        var m = new ModelOptions();
        var k = new Option<int>("--k") { Description = "Number of exponents (1: maximal).", DefaultValueFactory = _ => 1 };
        m.Add(c, m.N, m.G, m.Gamma, m.Noise, m.Phi, m.Dt, m.Time, m.Transient, k);
        var common = new CommonOptions("rnn-lyapunov");
        common.AddTo(c);
        c.SetAction(parse => CommandRunner.Execute(cli, parse, common, "rnn lyapunov", run =>
        {
            int n = m.ReadN(parse);
            double g = m.ReadG(parse), gamma = m.ReadGamma(parse), noise = m.ReadNoise(parse);
            RateActivation phi = m.ReadPhi(parse);
            int count = parse.GetValue(k);
            if (count < 1 || count > n)
            {
                throw new CliUsageException($"--k {count}: must lie in [1, N = {n}].");
            }

            RateSimulationOptions o = m.ReadSimulation(parse, noise, run.Seed);
            var net = RateNetwork.Create(n, g, gamma, phi, run.Seed);
            net.Threads = run.Threads;
            RateSimulationResult r = RateSimulation.Run(net, o, count, f => run.Progress($"lyapunov {f:P0}"));
            Parameters(run, n, g, gamma, noise, phi, o);
            run.Summary["lambda_max"] = r.LyapunovExponents[0];
            run.Summary["lambda_max_se"] = r.LyapunovStandardErrors[0];
            run.Summary["delta0"] = r.Delta0;
            run.Summary["delta0_se"] = r.Delta0StandardError;
            run.Summary["exponents"] = r.LyapunovExponents;
            Tables.WriteCsv(
                run.PathFor("lyapunov.csv"),
                ["index", "lambda", "se"],
                [Enumerable.Range(1, count).Select(i => (double)i).ToArray(), r.LyapunovExponents, r.LyapunovStandardErrors]);
            run.Say($"lambda_max = {Fmt(r.LyapunovExponents[0])} +- {Fmt(r.LyapunovStandardErrors[0])}, Delta0 = {Fmt(r.Delta0)}");
        }));
        return c;
    }

    private static Command Dmft(CliContext cli)
    {
        var c = new Command("dmft", "Stationary DMFT (gamma = 0): Delta0, Delta(tau), lambda_max; --find-onset gives g_c(D); --sampled: time-dependent DMFT by sampling single-unit paths (any gamma).");
        var m = new ModelOptions();
        var onset = new Option<bool>("--find-onset") { Description = "Also find the chaos onset g_c(D) (needs --noise > 0 for a non-trivial value)." };
        var sampled = new Option<bool>("--sampled") { Description = "Time-dependent DMFT by sampling effective single-unit paths on [0, --window] (also gamma != 0: memory term gamma g^2 int R phi)." };
        var window = new Option<double>("--window") { Description = "With --sampled: time window T of the paths (stationary averages over its second half).", DefaultValueFactory = _ => 40.0 };
        var paths = new Option<int>("--paths") { Description = "With --sampled: paths per iteration.", DefaultValueFactory = _ => 4000 };
        var iterations = new Option<int>("--iterations") { Description = "With --sampled: self-consistency iterations.", DefaultValueFactory = _ => 30 };
        var responsePaths = new Option<int>("--response-paths") { Description = "With --sampled and gamma != 0: paths whose tangents give R(t, s).", DefaultValueFactory = _ => 400 };
        m.Add(c, m.G, m.Gamma, m.Noise, m.Phi, m.Dt, onset, sampled, window, paths, iterations, responsePaths);
        var common = new CommonOptions("rnn-dmft");
        common.AddTo(c);
        c.SetAction(parse => CommandRunner.Execute(cli, parse, common, "rnn dmft", run =>
        {
            double g = m.ReadG(parse), noise = m.ReadNoise(parse), gamma = m.ReadGamma(parse);
            RateActivation phi = m.ReadPhi(parse);
            if (phi is not (RateActivation.Tanh or RateActivation.Erf))
            {
                throw new CliUsageException($"--phi {phi.ToString().ToLowerInvariant()}: the DMFT here needs an odd bounded phi (tanh or erf).");
            }

            bool useSampled = parse.GetValue(sampled);
            if (gamma != 0 && !useSampled)
            {
                throw new CliUsageException($"--gamma {Fmt(gamma)}: the stationary DMFT is for gamma = 0; add --sampled for the path-sampling DMFT.");
            }

            if (useSampled)
            {
                double dt = parse.GetValue(m.Dt);
                dt = dt == 0 ? 0.1 : OptionParsing.RequirePositive(dt, "--dt");
                double w = OptionParsing.RequirePositive(parse.GetValue(window), "--window");
                int np = parse.GetValue(paths), ni = parse.GetValue(iterations), nr = parse.GetValue(responsePaths);
                if (w / dt < 2 || w / dt > 4000)
                {
                    throw new CliUsageException($"--window {Fmt(w)} with --dt {Fmt(dt)}: use between 2 and 4000 steps.");
                }

                if (np < 2 || ni < 1 || nr < 1)
                {
                    throw new CliUsageException($"--paths {np}, --iterations {ni}, --response-paths {nr}: need at least 2 paths, 1 iteration, 1 response path.");
                }

                var so = new SampledDmftOptions { Dt = dt, Duration = w, Paths = np, Iterations = ni, ResponsePaths = nr, NoiseD = noise, Seed = run.Seed, Threads = run.Threads };
                SampledDmftResult r = SampledDmft.Solve(g, gamma, so, phi, f => run.Progress($"sampled dmft {f:P0}"));
                run.Summary["g"] = g;
                run.Summary["gamma"] = gamma;
                run.Summary["noise"] = noise;
                run.Summary["phi"] = phi.ToString().ToLowerInvariant();
                run.Summary["sampled_delta0"] = r.Delta0;
                run.Summary["sampled_last_change"] = r.Changes[^1];
                run.Summary["sampled_response_integral"] = r.ResponseIntegral[^1];
                run.Summary["delta0"] = r.Delta0;
                if (gamma == 0 && g > 0)
                {
                    DmftSolution st = ScsDmft.Solve(g, noise, phi);
                    run.Summary["delta0"] = st.Delta0;
                    run.Summary["lambda_max"] = st.LambdaMax;
                    Tables.WriteCsv(run.PathFor("delta_tau.csv"), ["tau", "delta"], [st.Tau, st.Delta]);
                    run.Say($"Delta0: sampled {Fmt(r.Delta0)}, stationary quadrature {Fmt(st.Delta0)}");
                }
                else
                {
                    run.Say($"Delta0 (sampled) = {Fmt(r.Delta0)}");
                }

                Tables.WriteCsv(run.PathFor("sampled_time.csv"), ["t", "mean", "variance", "phi_square", "response_integral"], [r.Times, r.Mean, r.Variance, r.PhiSquare, r.ResponseIntegral]);
                Tables.WriteCsv(run.PathFor("sampled_delta_tau.csv"), ["tau", "delta"], [r.Lags, r.Autocorrelation]);
                return;
            }

            DmftSolution s = ScsDmft.Solve(g, noise, phi);
            run.Summary["g"] = g;
            run.Summary["noise"] = noise;
            run.Summary["phi"] = phi.ToString().ToLowerInvariant();
            run.Summary["delta0"] = s.Delta0;
            run.Summary["lambda_max"] = s.LambdaMax;
            run.Summary["phi_square"] = s.PhiSquare;
            run.Summary["local_stability"] = s.LocalStability;
            if (parse.GetValue(onset))
            {
                double gc = ScsDmft.CriticalGain(noise, phi);
                run.Summary["g_c"] = gc;
                run.Summary["g_local_stability"] = ScsDmft.LocalStabilityGain(noise, phi);
                run.Say($"g_c(D = {Fmt(noise)}) = {Fmt(gc)}");
            }

            Tables.WriteCsv(run.PathFor("delta_tau.csv"), ["tau", "delta"], [s.Tau, s.Delta]);
            run.Say($"Delta0 = {Fmt(s.Delta0)}, lambda_max = {Fmt(s.LambdaMax)}");
        }));
        return c;
    }

    private static Command Ness(CliContext cli)
    {
        var c = new Command("ness", "Replica-symmetric order parameters q, Q, r, R of the Qiu-Huang measure exp(-beta E) (gamma = 0: exact closed form; otherwise the full RS equations).");
        var m = new ModelOptions();
        var sample = new Option<bool>("--sample") { Description = "Also sample exp(-beta E) by MALA on one network of --n units (ordered phase g(1+gamma) < 1: compare q and the energy with the RS values; e = 1/(2 beta) exactly only at gamma = 0)." };
        var steps = new Option<int>("--steps") { Description = "MALA steps measured (after --steps/5 burn-in).", DefaultValueFactory = _ => 40000 };
        var cavity = new Option<bool>("--cavity") { Description = "Static cavity solution for the fixed points instead (any gamma, tanh): cavity_C, cavity_R_int (unweighted by 1/|det(I - JD)|, unlike beta = inf)." };
        m.Add(c, m.G, m.Gamma, m.Beta, m.Phi, m.N, sample, steps, cavity);
        var common = new CommonOptions("rnn-ness");
        common.AddTo(c);
        c.SetAction(parse => CommandRunner.Execute(cli, parse, common, "rnn ness", run =>
        {
            double g = m.ReadG(parse), gamma = m.ReadGamma(parse), beta = m.ReadBeta(parse);
            RateActivation phi = m.ReadPhi(parse);
            bool sampling = parse.GetValue(sample);
            int n = sampling ? m.ReadN(parse) : 0;
            int st = parse.GetValue(steps);
            if (sampling && st < 100)
            {
                throw new CliUsageException($"--steps {st}: use at least 100 MALA steps.");
            }

            if (parse.GetValue(cavity))
            {
                if (phi != RateActivation.Tanh || g == 0)
                {
                    throw new CliUsageException("--cavity: the static cavity solver needs --phi tanh and --g > 0.");
                }

                StaticCavitySolution cs = StaticCavity.Solve(g, gamma);
                run.Summary["g"] = g;
                run.Summary["gamma"] = gamma;
                run.Summary["cavity_C"] = cs.C;
                run.Summary["cavity_R_int"] = cs.ResponseIntegral;
                run.Summary["converged"] = cs.Converged;
                run.Say($"static cavity: C = {Fmt(cs.C)}, R_int = {Fmt(cs.ResponseIntegral)}");
                return;
            }

            if (sampling && double.IsPositiveInfinity(beta))
            {
                throw new CliUsageException("--beta inf with --sample: sampling needs a finite beta.");
            }

            if (gamma != 0 && (phi != RateActivation.Tanh || g == 0))
            {
                throw new CliUsageException($"--gamma {Fmt(gamma)}: the gamma != 0 replica solver needs --phi tanh and --g > 0.");
            }

            if (gamma != 0 && double.IsPositiveInfinity(beta) && !ReplicaEquations.IsOrderedPhase(g, gamma))
            {
                throw new CliUsageException($"--beta inf --gamma {Fmt(gamma)} --g {Fmt(g)}: g(1 + gamma) = {Fmt(g * (1 + gamma))} >= 1, where chi = lim beta(q - Q) is infinite and the zero-temperature RS equations have no finite solution; use a finite --beta (e.g. 1e4) or --cavity.");
            }

            ReplicaSolution s = NessSolve(g, gamma, beta, phi);
            if (gamma != 0)
            {
                run.Summary["iterations"] = s.Iterations;
                run.Summary["converged"] = s.Converged;
            }

            run.Summary["g"] = g;
            run.Summary["gamma"] = gamma;
            run.Summary["beta"] = beta;
            run.Summary["q"] = s.SmallQ;
            run.Summary["Q"] = s.LargeQ;
            run.Summary["r"] = s.SmallR;
            run.Summary["R"] = s.LargeR;
            run.Summary["energy_per_neuron"] = s.EnergyPerNeuron;
            run.Summary["x2"] = s.X2;
            if (double.IsPositiveInfinity(beta))
            {
                run.Summary["chi"] = s.Chi;
                run.Summary["xi"] = s.Xi;
                run.Summary["response_integral"] = -s.Xi;
                run.Say($"zero temperature: chi = {Fmt(s.Chi)}, xi = {Fmt(s.Xi)}");
            }

            run.Say($"q = {Fmt(s.SmallQ)}, Q = {Fmt(s.LargeQ)}, r = {Fmt(s.SmallR)}, R = {Fmt(s.LargeR)}, e = {Fmt(s.EnergyPerNeuron)}");
            if (sampling)
            {
                var net = RateNetwork.Create(n, g, gamma, phi, run.Seed);
                net.Threads = run.Threads;
                MalaResult r = MalaSampler.Run(new SpeedPotential(net), new MalaOptions { Betas = [beta], BurnIn = st / 5, Steps = st, Seed = run.Seed })[0];
                run.Summary["n"] = n;
                run.Summary["mala_q"] = r.Q;
                run.Summary["mala_q_se"] = r.QSe;
                run.Summary["mala_energy_per_neuron"] = r.EnergyPerNeuron;
                run.Summary["mala_energy_se"] = r.EnergySe;
                run.Summary["mala_acceptance"] = r.Acceptance;
                run.Summary["mala_energy_z"] = (r.EnergyPerNeuron - s.EnergyPerNeuron) / r.EnergySe;
                run.Say($"MALA (N = {n}): q = {Fmt(r.Q)} +- {Fmt(r.QSe)}, e*2beta = {Fmt(r.EnergyPerNeuron * 2 * beta)} +- {Fmt(r.EnergySe * 2 * beta)} (RS {Fmt(s.EnergyPerNeuron * 2 * beta)})");
            }
        }));
        return c;
    }

    private static ReplicaSolution NessSolve(double g, double gamma, double beta, RateActivation phi) =>
        gamma == 0 ? ReplicaTheory.GammaZero(g, beta, phi)
        : double.IsPositiveInfinity(beta) ? ReplicaEquations.SolveZeroTemperature(g, gamma)
        : ReplicaEquations.Solve(g, gamma, beta);

    private static void Parameters(RunContext run, int n, double g, double gamma, double noise, RateActivation phi, RateSimulationOptions o)
    {
        run.Summary["n"] = n;
        run.Summary["g"] = g;
        run.Summary["gamma"] = gamma;
        run.Summary["noise"] = noise;
        run.Summary["phi"] = phi.ToString().ToLowerInvariant();
        run.Summary["dt"] = o.Dt;
        run.Summary["t"] = o.Duration;
        run.Summary["transient"] = o.Transient;
    }

    private static void WriteTraces(RunContext run, RateSimulationResult r)
    {
        if (r.Traces.Length == 0)
        {
            return;
        }

        var header = new List<string> { "t" };
        var cols = new List<IReadOnlyList<double>> { r.Times };
        for (int u = 0; u < r.Traces.Length; u++)
        {
            header.Add($"x{u}");
            cols.Add(r.Traces[u]);
        }

        Tables.WriteCsv(run.PathFor("traces.csv"), header, cols);
        run.Figure(
            new FigureSpec
            {
                Title = "rate network trajectories",
                XLabel = "t",
                YLabel = "x_i(t)",
                Series = r.Traces.Select((tr, u) => new Series(string.Empty, r.Times, tr)).ToArray(),
            },
            "traces");
    }
}
