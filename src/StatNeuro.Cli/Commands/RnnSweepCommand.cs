using System.CommandLine;
using System.Globalization;
using StatNeuro.Cli.Infrastructure;
using StatNeuro.Plotting;
using StatNeuro.RateNetworks;

namespace StatNeuro.Cli.Commands;

/// <summary><c>statneuro rnn sweep</c>: a cartesian grid over g, γ, D and β, in parallel, checkpointed per grid point.</summary>
internal static partial class RnnCommand
{
    /// <summary>Names of the four grid parameters, in grid order (g varies fastest in sweep.csv).</summary>
    private static readonly string[] s_sweepParameterNames = ["g", "gamma", "noise", "beta"];

    private static Command Sweep(CliContext cli)
    {
        var c = new Command("sweep", "Sweep a cartesian grid of g, gamma, noise D and beta in parallel; checkpointed per grid point: an interrupted sweep resumes without recomputing finished points.");
        var m = new ModelOptions();
        var kind = new Option<string>("--kind") { Description = "What to compute per point: dmft (g, noise), lyapunov (g, gamma, noise) or ness (g, gamma, beta).", DefaultValueFactory = _ => "dmft" };
        var gRange = new Option<string>("--g-range") { Description = "Values of g: START:STOP:STEP, START:STOP:xFACTOR (log-spaced), a list 0.5,0.8,1.2, or one value.", DefaultValueFactory = _ => "1.05:3:0.05" };
        var gammaRange = new Option<string>("--gamma-range") { Description = "Values of gamma (same forms as --g-range); replaces --gamma." };
        var noiseRange = new Option<string>("--noise-range") { Description = "Values of the noise D (same forms); replaces --noise. With --kind dmft adds g_c(D)." };
        var betaRange = new Option<string>("--beta-range") { Description = "Values of beta (same forms, may include inf, e.g. 1e2:1e4:x10 or 1,10,100,inf); replaces --beta." };
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint file (default: OUT.checkpoint.csv next to the output folder)." };
        m.Add(c, m.N, m.Gamma, m.Noise, m.Beta, m.Phi, m.Dt, m.Time, m.Transient, kind, gRange, gammaRange, noiseRange, betaRange, checkpoint);
        var common = new CommonOptions("rnn-sweep");
        common.AddTo(c);
        c.SetAction(parse => CommandRunner.Execute(cli, parse, common, "rnn sweep", run =>
        {
            string what = (parse.GetValue(kind) ?? "dmft").ToLowerInvariant();
            if (what is not ("dmft" or "lyapunov" or "ness"))
            {
                throw new CliUsageException($"--kind '{what}': choose dmft, lyapunov or ness.");
            }

            // The four axes: a range option replaces the single-value option.
            double[] gs = ParseGrid(parse.GetValue(gRange)!, "--g-range", allowInfinity: false);
            double[] gammas = parse.GetValue(gammaRange) is { } gr ? ParseGrid(gr, "--gamma-range", false) : [m.ReadGamma(parse)];
            double[] noises = parse.GetValue(noiseRange) is { } nr ? ParseGrid(nr, "--noise-range", false) : [m.ReadNoise(parse)];
            double[] betas = parse.GetValue(betaRange) is { } br ? ParseGrid(br, "--beta-range", true) : [m.ReadBeta(parse)];
            bool[] swept = [true, parse.GetValue(gammaRange) is not null, parse.GetValue(noiseRange) is not null, parse.GetValue(betaRange) is not null];
            Require(gs, v => v >= 0, "--g-range", "g must be >= 0 (it is a standard deviation scale)");
            Require(gammas, v => Math.Abs(v) <= 1, "--gamma-range", "the reciprocity gamma must lie in [-1, 1]");
            Require(noises, v => v >= 0, "--noise-range", "the noise intensity D must be >= 0");
            Require(betas, v => v > 0, "--beta-range", "beta must be > 0 (or inf)");
            RateActivation phi = m.ReadPhi(parse);

            // Which axes each kind uses; a range over an unused axis is a mistake, not a no-op.
            (string Option, bool Used)[] unused = what switch
            {
                "dmft" => [("--beta-range", swept[3])],
                "ness" => [("--noise-range", swept[2])],
                _ => [("--beta-range", swept[3])],
            };
            foreach (var (option, used) in unused)
            {
                if (used)
                {
                    throw new CliUsageException($"{option}: --kind {what} does not depend on this parameter; drop {option}.");
                }
            }

            int n = what == "lyapunov" ? m.ReadN(parse) : 0;
            if (what == "dmft")
            {
                if (gammas.Any(v => v != 0))
                {
                    throw new CliUsageException($"{(swept[1] ? "--gamma-range" : "--gamma")} {Fmt(gammas.First(v => v != 0))}: --kind dmft (the stationary SCS DMFT) is available for gamma = 0 only; use rnn dmft --sampled for gamma != 0.");
                }

                if (phi is not (RateActivation.Tanh or RateActivation.Erf))
                {
                    throw new CliUsageException($"--phi {phi.ToString().ToLowerInvariant()}: --kind dmft needs an odd bounded phi (tanh or erf).");
                }
            }

            if (what == "ness")
            {
                if (gammas.Any(v => v != 0) && (phi != RateActivation.Tanh || gs.Any(g => g == 0)))
                {
                    throw new CliUsageException("--gamma-range: the gamma != 0 replica solver needs --phi tanh and every g > 0 in --g-range.");
                }

                if (betas.Any(double.IsPositiveInfinity))
                {
                    foreach (double gamma in gammas.Where(v => v != 0))
                    {
                        double gMax = gs.Max();
                        if (!ReplicaEquations.IsOrderedPhase(gMax, gamma))
                        {
                            throw new CliUsageException($"--g-range/--gamma-range: g = {Fmt(gMax)}, gamma = {Fmt(gamma)} at beta = inf: g(1 + gamma) = {Fmt(gMax * (1 + gamma))} >= 1, where chi is infinite and the zero-temperature RS equations have no finite solution; keep g < 1/(1 + gamma) = {Fmt(1 / (1 + gamma))} or use finite beta values.");
                        }
                    }
                }
            }

            // Axes a kind does not use are set to 0, so that they never split the checkpoint keys.
            if (what == "ness")
            {
                noises = [0.0];
            }
            else
            {
                betas = [0.0];
            }

            long count = (long)gs.Length * gammas.Length * noises.Length * betas.Length;
            if (count > 100_000)
            {
                throw new CliUsageException($"--g-range/--gamma-range/--noise-range/--beta-range: the grid has {count} points (at most 100000); use fewer values.");
            }

            // Simulation settings per noise value (the default dt depends on whether there is noise).
            var sims = new Dictionary<double, RateSimulationOptions>();
            if (what == "lyapunov")
            {
                foreach (double d in noises)
                {
                    sims[d] = m.ReadSimulation(parse, d, run.Seed);
                }
            }

            RateSimulationOptions? anySim = sims.Count > 0 ? sims.Values.First() : null;
            string settings = $"kind={what};phi={phi};n={n};dt={(what == "lyapunov" ? Fmt(parse.GetValue(m.Dt)) : "0")};t={Fmt(anySim?.Duration ?? 0)};transient={Fmt(anySim?.Transient ?? 0)};seed={run.Seed}";
            string ckpt = parse.GetValue(checkpoint) ?? Path.TrimEndingDirectorySeparator(Path.GetFullPath(run.OutputFolder)) + ".checkpoint.csv";
            int valueCount = what switch { "dmft" => 3, "ness" => 7, _ => 4 };
            var table = new SweepCheckpoint(ckpt, settings, valueCount, what);

            // The grid: beta outermost, g innermost (each block of sweep.csv is one curve against g).
            var points = new List<double[]>();
            foreach (double beta in betas)
            {
                foreach (double noise in noises)
                {
                    foreach (double gamma in gammas)
                    {
                        foreach (double g in gs)
                        {
                            points.Add([g, gamma, noise, beta]);
                        }
                    }
                }
            }

            var todo = points.Where(p => !table.Has(p)).ToList();
            int reused = points.Count - todo.Count;
            run.Progress($"sweep: {points.Count} points, {reused} from the checkpoint {ckpt}");
            var options = new ParallelOptions { MaxDegreeOfParallelism = what == "lyapunov" ? 1 : run.Threads };
            Parallel.ForEach(todo, options, p =>
            {
                double[] row = what switch
                {
                    "dmft" => DmftRow(p[0], p[2], phi),
                    "ness" => NessRow(p[0], p[1], p[3], phi),
                    _ => LyapunovRow(p[0], p[1], phi, n, sims[p[2]], run.Seed, run.Threads),
                };
                table.Add(p, row);
                run.Progress($"sweep: g = {Fmt(p[0])}, gamma = {Fmt(p[1])}, D = {Fmt(p[2])}, beta = {Fmt(p[3])} done");
            });

            // Per-D columns of the DMFT: the chaos onset g_c(D) and the local-stability gain (cheap: root of Δ0 only).
            var onset = new Dictionary<double, (double Gc, double Local)>();
            if (what == "dmft" && swept[2])
            {
                foreach (double d in noises)
                {
                    onset[d] = (ScsDmft.CriticalGain(d, phi), ScsDmft.LocalStabilityGain(d, phi));
                }
            }

            bool zeroTemperature = what == "ness" && betas.Any(double.IsPositiveInfinity);
            string[] valueNames = what switch
            {
                "dmft" => ["delta0", "lambda_max", "local_stability"],
                "ness" => ["q", "Q", "r", "R", "energy_per_neuron", "chi", "xi"],
                _ => ["lambda_max", "lambda_max_se", "delta0", "delta0_se"],
            };
            int written = what == "ness" && !zeroTemperature ? 5 : valueNames.Length;
            var header = new List<string>();
            var columns = new List<IReadOnlyList<double>>();
            for (int a = 0; a < 4; a++)
            {
                if (swept[a])
                {
                    header.Add(s_sweepParameterNames[a]);
                    columns.Add(points.Select(p => p[a]).ToArray());
                }
            }

            double[][] rows = points.Select(table.Get).ToArray();
            for (int v = 0; v < written; v++)
            {
                header.Add(valueNames[v]);
                columns.Add(rows.Select(r => r[v]).ToArray());
            }

            if (onset.Count > 0)
            {
                header.Add("g_c");
                columns.Add(points.Select(p => onset[p[2]].Gc).ToArray());
                header.Add("g_local_stability");
                columns.Add(points.Select(p => onset[p[2]].Local).ToArray());
            }

            Tables.WriteCsv(run.PathFor("sweep.csv"), header, columns);
            run.Summary["kind"] = what;
            run.Summary["points"] = points.Count;
            run.Summary["reused_points"] = reused;
            run.Summary["computed_points"] = todo.Count;
            run.Summary["grid"] = new Dictionary<string, int> { ["g"] = gs.Length, ["gamma"] = gammas.Length, ["noise"] = noises.Length, ["beta"] = betas.Length };
            run.Summary["checkpoint"] = ckpt;
            foreach (var (d, o) in onset)
            {
                run.Summary[$"g_c_D{d.ToString("R", CultureInfo.InvariantCulture)}"] = o.Gc;
            }

            SweepFigure(run, what, valueNames[0], points, rows.Select(r => r[0]).ToArray(), [gs, gammas, noises, betas]);
            run.Say($"{points.Count} points ({reused} reused) -> sweep.csv");
        }));
        return c;
    }

    /// <summary>One line per value (combination) of the other swept parameters, against the first axis with more than one value.</summary>
    private static void SweepFigure(RunContext run, string what, string yName, List<double[]> points, double[] y, double[][] axes)
    {
        int xAxis = Array.FindIndex(axes, a => a.Length > 1);
        xAxis = xAxis < 0 ? 0 : xAxis;
        var others = Enumerable.Range(0, 4).Where(a => a != xAxis && axes[a].Length > 1).ToArray();
        var series = new List<Series>();
        foreach (var group in Enumerable.Range(0, points.Count).GroupBy(i => string.Join(", ", others.Select(a => $"{s_sweepParameterNames[a]} = {Fmt(points[i][a])}"))))
        {
            int[] idx = group.ToArray();
            series.Add(new Series(group.Key, idx.Select(i => points[i][xAxis]).ToArray(), idx.Select(i => y[i]).ToArray(), Markers: idx.Length == 1));
        }

        run.Figure(
            new FigureSpec
            {
                Title = $"rnn sweep ({what})",
                XLabel = s_sweepParameterNames[xAxis],
                YLabel = yName,
                LogX = xAxis == 3,
                LogY = xAxis == 3 && what == "ness",
                Series = series,
            },
            "sweep");
    }

    /// <summary>
    /// Parses the values of one grid axis: comma-separated items, each START:STOP:STEP, START:STOP:xFACTOR (log-spaced)
    /// or one value (e.g. <c>1e2:1e4:x10,inf</c>). Linear steps are snapped to 12 significant digits (0.6, not
    /// 0.6000000000000001).
    /// </summary>
    internal static double[] ParseGrid(string text, string option, bool allowInfinity)
    {
        text = text.Trim();
        var values = new List<double>();
        foreach (string raw in text.Split(','))
        {
            string item = raw.Trim();
            string[] parts = item.Split(':');
            if (parts.Length == 3 && parts[2].Trim() is ['x' or 'X' or '*', ..] factorText)
            {
                double start = OptionParsing.RequirePositive(OptionParsing.ParseDouble(parts[0].Trim(), option), option + " START");
                double stop = OptionParsing.RequirePositive(OptionParsing.ParseDouble(parts[1].Trim(), option), option + " STOP");
                double factor = OptionParsing.RequireFinite(OptionParsing.ParseDouble(factorText[1..], option), option + " FACTOR");
                if (factor <= 1 || stop < start)
                {
                    throw new CliUsageException($"{option} '{item}': a log-spaced range START:STOP:xFACTOR needs 0 < START <= STOP and FACTOR > 1, e.g. 1e2:1e4:x10.");
                }

                int count = (int)Math.Floor((Math.Log(stop) - Math.Log(start)) / Math.Log(factor) + 1e-9) + 1;
                if (count > 100_000)
                {
                    throw new CliUsageException($"{option} '{item}': {count} points is too many (at most 100000).");
                }

                values.AddRange(Enumerable.Range(0, count).Select(k => Snap(start * Math.Pow(factor, k))));
            }
            else if (parts.Length == 3)
            {
                values.AddRange(OptionParsing.ParseRange(item, option).Select(Snap));
            }
            else if (parts.Length == 1 && item.Length > 0)
            {
                values.Add(OptionParsing.ParseDouble(item, option));
            }
            else
            {
                throw new CliUsageException($"{option} '{text}': expected START:STOP:STEP, START:STOP:xFACTOR, one value, or a comma list of these (e.g. 1e2:1e4:x10,inf).");
            }
        }

        foreach (double v in values)
        {
            if (double.IsNaN(v) || double.IsNegativeInfinity(v) || (!allowInfinity && double.IsInfinity(v)))
            {
                throw new CliUsageException($"{option} '{text}': {Fmt(v)} is not allowed here ({(allowInfinity ? "use finite numbers or inf" : "use finite numbers")}).");
            }
        }

        if (values.Count == 0)
        {
            throw new CliUsageException($"{option} '{text}': the range is empty.");
        }

        if (values.Distinct().Count() != values.Count)
        {
            throw new CliUsageException($"{option} '{text}': values repeat; give each value once.");
        }

        return [.. values];

        static double Snap(double v) => double.Parse(v.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static void Require(double[] values, Func<double, bool> ok, string option, string why)
    {
        foreach (double v in values)
        {
            if (!ok(v))
            {
                throw new CliUsageException($"{option}: {Fmt(v)} is out of range: {why}.");
            }
        }
    }

    private static double[] DmftRow(double g, double noise, RateActivation phi)
    {
        DmftSolution s = ScsDmft.Solve(g, noise, phi);
        return [s.Delta0, s.LambdaMax, s.LocalStability];
    }

    private static double[] NessRow(double g, double gamma, double beta, RateActivation phi)
    {
        ReplicaSolution s = NessSolve(g, gamma, beta, phi);
        bool zeroT = double.IsPositiveInfinity(beta);
        return [s.SmallQ, s.LargeQ, s.SmallR, s.LargeR, s.EnergyPerNeuron, zeroT ? s.Chi : double.NaN, zeroT ? s.Xi : double.NaN];
    }

    private static double[] LyapunovRow(double g, double gamma, RateActivation phi, int n, RateSimulationOptions o, ulong seed, int threads)
    {
        var net = RateNetwork.Create(n, g, gamma, phi, seed);
        net.Threads = threads;
        RateSimulationResult r = RateSimulation.Run(net, o, 1);
        return [r.LyapunovExponents[0], r.LyapunovStandardErrors[0], r.Delta0, r.Delta0StandardError];
    }

    /// <summary>
    /// Append-only checkpoint, format 2: "# statneuro rnn sweep checkpoint v2; SETTINGS", then one line
    /// "g,gamma,noise,beta,values..." per finished grid point (all four parameters, swept or not, are the row's key).
    /// A format-1 file of the old single-g sweep ("# kind=...;gamma=...;noise=...;beta=...;...", rows "g,values") with
    /// the same settings is converted (its gamma, noise and beta become part of each row's key); otherwise a checkpoint
    /// of a different sweep is refused, never overwritten.
    /// </summary>
    private sealed class SweepCheckpoint
    {
        private const string Magic = "# statneuro rnn sweep checkpoint v2; ";
        private readonly string _path;
        private readonly int _valueCount;
        private readonly Dictionary<string, double[]> _rows = [];
        private readonly Lock _gate = new();

        public SweepCheckpoint(string path, string settings, int valueCount, string kind)
        {
            _path = path;
            _valueCount = valueCount;
            string header = Magic + settings;
            if (File.Exists(path))
            {
                string[] lines = File.ReadAllLines(path);
                if (lines.Length > 0 && lines[0] == header)
                {
                    bool clean = File.ReadAllText(path).EndsWith('\n');
                    foreach (string line in lines.Skip(1))
                    {
                        if (TryParse(line, 4 + valueCount, out double[] v))
                        {
                            _rows[Key(v)] = v[4..];
                        }
                        else
                        {
                            clean = false;
                        }
                    }

                    if (!clean)
                    {
                        Rewrite(header); // drop a line cut by an interruption, so that new rows start on a line of their own
                    }

                    return;
                }

                if (lines.Length > 0 && lines[0].StartsWith("# kind=", StringComparison.Ordinal))
                {
                    ConvertFormat1(lines, settings, kind);
                    Rewrite(header);
                    return;
                }

                if (lines.Length > 0 && lines.Any(l => l.Length > 0))
                {
                    string found = lines[0].StartsWith(Magic, StringComparison.Ordinal) ? lines[0][Magic.Length..] : "not a sweep checkpoint";
                    throw new CliUsageException($"--checkpoint {path}: belongs to a different sweep ({found}; this one: {settings}); delete it or pass another --checkpoint.");
                }
            }

            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }

            File.WriteAllText(path, header + "\n");
        }

        public bool Has(double[] point) => _rows.ContainsKey(Key(point));

        public double[] Get(double[] point) => _rows[Key(point)];

        public void Add(double[] point, double[] values)
        {
            string line = string.Join(',', point.Concat(values).Select(Tables.Format)) + "\n";
            lock (_gate)
            {
                _rows[Key(point)] = values;
                File.AppendAllText(_path, line);
            }
        }

        private static string Key(double[] p) => string.Join(',', p.Take(4).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

        private static bool TryParse(string line, int expected, out double[] values)
        {
            values = [];
            string[] parts = line.Split(',');
            if (parts.Length != expected)
            {
                return false; // a line cut by an interruption: recompute that point
            }

            var v = new double[expected];
            for (int i = 0; i < expected; i++)
            {
                if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]))
                {
                    return false;
                }
            }

            values = v;
            return true;
        }

        /// <summary>Reads a format-1 (single-g) checkpoint whose settings match; its fixed gamma, noise, beta become row keys.</summary>
        private void ConvertFormat1(string[] lines, string settings, string kind)
        {
            var old = lines[0][2..].Split(';').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
            var now = settings.Split(';').Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
            bool same = kind != "lyapunov" && old.GetValueOrDefault("kind") == kind && old.GetValueOrDefault("phi") == now["phi"] && old.GetValueOrDefault("seed") == now["seed"];
            if (!same)
            {
                throw new CliUsageException($"--checkpoint {_path}: an old single-g checkpoint ({lines[0][2..]}) that cannot be reused for this sweep ({settings}; old lyapunov checkpoints lack the transient); delete it or pass another --checkpoint.");
            }

            double gamma = double.Parse(old["gamma"], CultureInfo.InvariantCulture);
            double noise = double.Parse(old["noise"], CultureInfo.InvariantCulture);
            double beta = OptionParsing.ParseDouble(old["beta"], "--checkpoint beta");
            int oldCount = kind == "ness" ? 5 : _valueCount;
            foreach (string line in lines.Skip(1))
            {
                if (!TryParse(line, 1 + oldCount, out double[] v))
                {
                    continue;
                }

                if (kind == "ness")
                {
                    if (double.IsPositiveInfinity(beta))
                    {
                        continue; // format 1 did not store chi, xi: recompute
                    }

                    v = [.. v, double.NaN, double.NaN];
                }

                double[] point = kind == "dmft" ? [v[0], 0, noise, 0] : [v[0], gamma, 0, beta];
                _rows[Key(point)] = v[1..];
            }
        }

        private void Rewrite(string header)
        {
            var text = new System.Text.StringBuilder(header).Append('\n');
            foreach (var (key, values) in _rows)
            {
                text.Append(key).Append(',').AppendJoin(',', values.Select(Tables.Format)).Append('\n');
            }

            string temp = _path + ".tmp";
            File.WriteAllText(temp, text.ToString());
            File.Move(temp, _path, overwrite: true);
        }
    }
}
