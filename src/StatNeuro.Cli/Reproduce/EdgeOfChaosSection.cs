using System.Globalization;
using StatNeuro.Numerics;
using StatNeuro.Plotting;
using StatNeuro.RateNetworks;

namespace StatNeuro.Cli.Reproduce;

/// <summary>
/// Random rate networks at the edge of chaos: trajectories, (g, γ) phase diagram, SCS DMFT against simulation
/// (Δ0 and λ_max), the noisy onset g_c(D), and the Qiu–Huang measure (equipartition, q/r against g, q against β).
/// </summary>
internal sealed class EdgeOfChaosSection : IReproduceSection
{
    public string Name => "edge-of-chaos";

    public string Title => "Random rate networks at the edge of chaos (SCS DMFT, Lyapunov exponents, Qiu-Huang measure)";

    public void Run(SectionContext context)
    {
        Trajectories(context);
        PhaseDiagram(context);
        DmftVersusSimulation(context);
        NoiseOnset(context);
        QiuHuang(context);
        ReciprocalEnergy(context);
        SampledDmftChecks(context);
    }

    private static string F(double v) => v.ToString("G5", CultureInfo.InvariantCulture);

    private static void Trajectories(SectionContext c)
    {
        c.Progress("trajectories");
        var series = new List<Series>();
        foreach (var (g, gamma) in new[] { (0.5, -0.5), (0.8, 0.5), (2.0, 0.0) })
        {
            var net = RateNetwork.Create(c.Full ? 1000 : 300, g, gamma, RateActivation.Tanh, c.Seed);
            net.Threads = c.Threads;
            RateSimulationResult r = RateSimulation.Run(net, new RateSimulationOptions { Duration = 20, Transient = 0, RecordUnits = 5, InitialScale = 0.6, Seed = c.Seed, Blocks = 2 });
            for (int u = 0; u < r.Traces.Length; u++)
            {
                series.Add(new Series(u == 0 ? $"g={g}, gamma={gamma}" : string.Empty, r.Times, r.Traces[u], Dashed: gamma > 0));
            }
        }

        c.Figure(
            new FigureSpec { Title = "Trajectories: ordered (g=0.5, gamma=-0.5), fixed point (0.8, 0.5), chaotic (2, 0)", XLabel = "t", YLabel = "x_i(t)", Series = series },
            "trajectories",
            "Five units per network (RK4, dt = 0.1). Below the line g(1+gamma) = 1 activity decays to x = 0; above it the network settles on a non-trivial state or is chaotic.");
    }

    private static void PhaseDiagram(SectionContext c)
    {
        // Simulated points: noiseless networks on both sides of g(1+γ) = 1, classified by the Benettin λ_max.
        // An autonomous flow has λ_max ≥ 0 on any bounded non-stationary trajectory (the flow direction is neutral), so
        // λ_max significantly < 0 means the state went to a fixed point (x = 0 when Δ0 vanishes, a non-trivial one
        // otherwise); λ_max significantly > 0 is chaos; λ_max ≈ 0 is a limit cycle / torus or unresolved.
        c.Progress("phase diagram: simulated points");
        var wall = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        double[] gammas = c.Full ? [-0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75] : [-0.5, 0, 0.5];
        double[] factors = c.Full ? [0.6, 0.8, 0.9, 1.1, 1.25, 1.4, 1.6, 2.0] : [0.8, 1.25, 1.6];
        int n = c.Full ? 2000 : 1000;
        double duration = c.Full ? 200 : 100, transient = c.Full ? 100 : 60;
        var points = gammas.SelectMany(gm => factors.Select(f => (Gamma: gm, G: f / (1 + gm), Factor: f))).ToArray();
        var results = new RateSimulationResult[points.Length];

        // Points in parallel, one thread each (results do not depend on the thread count).
        Parallel.For(0, points.Length, new ParallelOptions { MaxDegreeOfParallelism = c.Threads }, k =>
        {
            var net = RateNetwork.Create(n, points[k].G, points[k].Gamma, RateActivation.Tanh, c.Seed);
            net.Threads = 1;
            results[k] = RateSimulation.Run(net, new RateSimulationOptions { Duration = duration, Transient = transient, Seed = c.Seed }, 1);
        });

        string[] classes = ["decays to x = 0", "non-trivial fixed point", "chaotic (lambda_max > 0)", "lambda_max ~ 0 (cycle / unresolved)"]; // colours orange, green, red, purple
        var byClass = classes.Select(_ => (G: new List<double>(), Gamma: new List<double>())).ToArray();
        var rows = new List<string[]>();
        int agree = 0;
        for (int k = 0; k < points.Length; k++)
        {
            var (gamma, g, factor) = points[k];
            double lam = results[k].LyapunovExponents[0], se = results[k].LyapunovStandardErrors[0], d0 = results[k].Delta0;
            int cls = lam + 3 * se < 0 ? (d0 < 1e-6 ? 0 : 1) : lam - 3 * se > 0 ? 2 : 3;
            byClass[cls].G.Add(g);
            byClass[cls].Gamma.Add(gamma);
            bool below = factor < 1;
            agree += below == (cls == 0) ? 1 : 0;
            rows.Add([F(gamma), F(g), F(factor), below ? F(factor - 1) : "—", $"{F(lam)} ± {F(se)}", F(d0), classes[cls]]);
            string key = $"phase_gamma{gamma.ToString(CultureInfo.InvariantCulture)}_f{factor.ToString(CultureInfo.InvariantCulture)}";
            c.Number($"{key}_lambda", lam);
            c.Number($"{key}_lambda_se", se);
            c.Number($"{key}_delta0", d0);
            c.Number($"{key}_class", classes[cls]);
        }

        c.Number("phase_points", points.Length);
        c.Number("phase_points_seconds", wall.Elapsed.TotalSeconds);
        c.Number("phase_points_cpu_seconds", (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
        c.Number("phase_points_x0_iff_below_line", agree);
        c.TextTable(
            $"Simulated points of the (g, γ) phase diagram (N = {n}, noiseless, RK4 dt = 0.1, T = {duration} after {transient}, Benettin λ_max ± block SE; class by λ_max ∓ 3 SE and Δ0). Below the line x = 0 is stable with λ_max = g(1+γ) − 1 for N → ∞ (elliptic law); {agree}/{points.Length} points decay to x = 0 exactly when g(1+γ) < 1",
            ["γ", "g", "g(1+γ)", "λ of x = 0 (N → ∞)", "λ_max sim", "Δ0 sim", "class"],
            rows);

        double gTop = Math.Max(3.5, 1.05 * points.Max(p => p.G));
        var gs = Enumerable.Range(0, 160).Select(k => 0.5 + k * (gTop - 0.5) / 159).ToArray();
        // No legend (it would sit on the lower-right points): fixed colours by series index, explained in the caption.
        var series = new List<Series> { new(string.Empty, gs, gs.Select(g => Math.Min(1.0, 1 / g - 1)).ToArray()) };
        for (int cl = 0; cl < classes.Length; cl++)
        {
            series.Add(new Series(string.Empty, byClass[cl].G, byClass[cl].Gamma, Markers: true));
        }

        c.Figure(
            new FigureSpec { Title = $"(g, gamma) phase diagram with simulated networks (N = {n})", XLabel = "g", YLabel = "gamma", Series = series },
            "phase_diagram",
            "Blue line: g(1+γ) = 1. Markers (simulated networks): orange = decays to x = 0, green = non-trivial fixed point, red = chaotic (λ_max > 3 SE), purple = λ_max ≈ 0 (limit cycle / unresolved). x = 0 loses stability where the right edge g(1+γ) of the elliptic law (the spectrum of J fills an ellipse with real half-axis g(1+γ)) crosses 1 — the same line where the zero-temperature RS theory of the Qiu–Huang measure loses its ordered phase. Simulated networks are classified by the sign of λ_max (± 3 SE): below the line every network decays to x = 0; above it, close to the line, finite networks settle on non-trivial fixed points or λ_max ≈ 0 states, further above they are chaotic.");
    }

    private static void DmftVersusSimulation(SectionContext c)
    {
        c.Progress("DMFT sweep");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double[] gs = Enumerable.Range(0, 40).Select(k => 1.05 + k * 0.075).ToArray();
        var sols = new DmftSolution[gs.Length];
        Parallel.For(0, gs.Length, new ParallelOptions { MaxDegreeOfParallelism = c.Threads }, k => sols[k] = ScsDmft.Solve(gs[k]));
        c.Number("dmft_40_point_sweep_seconds", clock.Elapsed.TotalSeconds);

        int n = c.Full ? 2000 : 400;
        int seeds = c.Full ? 3 : 2;
        double duration = c.Full ? 400 : 100, transient = c.Full ? 100 : 50;
        double[] simG = [1.5, 2.0, 3.0];
        var rows = new List<string[]>();
        var dMean = new double[simG.Length];
        var dErr = new double[simG.Length];
        var lMean = new double[simG.Length];
        var lErr = new double[simG.Length];
        for (int k = 0; k < simG.Length; k++)
        {
            var d0 = new double[seeds];
            var lam = new double[seeds];
            var lamSe = new double[seeds];
            for (int s = 0; s < seeds; s++)
            {
                c.Progress($"simulate N = {n}, g = {simG[k]}, seed {s + 1}/{seeds}");
                var net = RateNetwork.Create(n, simG[k], 0, RateActivation.Tanh, c.Seed + (ulong)s);
                net.Threads = c.Threads;
                RateSimulationResult r = RateSimulation.Run(net, new RateSimulationOptions { Duration = duration, Transient = transient, Seed = c.Seed + (ulong)s }, 1);
                d0[s] = r.Delta0;
                lam[s] = r.LyapunovExponents[0];
                lamSe[s] = r.LyapunovStandardErrors[0];
            }

            DmftSolution th = ScsDmft.Solve(simG[k]);
            dMean[k] = Statistics.Mean(d0);
            dErr[k] = Statistics.StandardError(d0);
            lMean[k] = Statistics.Mean(lam);

            // Combined error of the seed mean: spread across seeds (realisations) and within-run block errors.
            double within = Math.Sqrt(lamSe.Sum(v => v * v)) / seeds;
            lErr[k] = Math.Max(Statistics.StandardError(lam), within);
            double dRel = (dMean[k] - th.Delta0) / th.Delta0;
            double lSig = (lMean[k] - th.LambdaMax) / lErr[k];
            rows.Add([F(simG[k]), F(th.Delta0), $"{F(dMean[k])} ± {F(dErr[k])}", $"{dRel:P2}", F(th.LambdaMax), $"{F(lMean[k])} ± {F(lErr[k])}", F(lSig), $"{(lMean[k] - th.LambdaMax) / th.LambdaMax:P1}"]);
            string key = $"g{simG[k].ToString(CultureInfo.InvariantCulture)}";
            c.Number($"{key}_delta0_dmft", th.Delta0);
            c.Number($"{key}_delta0_sim", dMean[k]);
            c.Number($"{key}_delta0_rel_dev", dRel);
            c.Number($"{key}_lambda_dmft", th.LambdaMax);
            c.Number($"{key}_lambda_sim", lMean[k]);
            c.Number($"{key}_lambda_sim_err", lErr[k]);
        }

        c.Number("sim_n", n);
        c.Number("sim_seeds", seeds);
        c.Number("sim_t", duration);
        c.TextTable(
            $"SCS DMFT against simulation (N = {n}, {seeds} seeds, T = {duration}, RK4 dt = 0.1, Benettin)",
            ["g", "Δ0 DMFT", "Δ0 sim", "Δ0 dev", "λ_max DMFT", "λ_max sim", "dev / err", "λ rel dev"],
            rows);
        c.Figure(
            new FigureSpec
            {
                Title = "Delta0 and lambda_max: DMFT (lines) and simulation (points)",
                XLabel = "g",
                YLabel = "Delta0, 10 * lambda_max",
                Series =
                [
                    new Series("Delta0 DMFT", gs, sols.Select(s => s.Delta0).ToArray()),
                    new Series("10 lambda_max DMFT", gs, sols.Select(s => 10 * s.LambdaMax).ToArray()),
                    new Series("Delta0 sim", simG, dMean, Markers: true),
                    new Series("10 lambda_max sim", simG, lMean.Select(v => 10 * v).ToArray(), Markers: true),
                ],
                YErrors = new Dictionary<int, IReadOnlyList<double>> { [2] = dErr, [3] = lErr.Select(v => 10 * v).ToArray() },
            },
            "dmft_vs_simulation",
            "Sompolinsky–Crisanti–Sommers DMFT: Δ0 from the energy condition, λ_max from the Schrödinger ground state, against Benettin estimates (mean ± error over seeds).");
        c.Table("dmft_sweep.csv", "DMFT sweep", ["g", "delta0", "lambda_max", "g2_phiprime2"], [gs, sols.Select(s => s.Delta0).ToArray(), sols.Select(s => s.LambdaMax).ToArray(), sols.Select(s => s.LocalStability).ToArray()], 10);
    }

    private static void NoiseOnset(SectionContext c)
    {
        c.Progress("noise onset g_c(D)");
        double[] ds = [0.01, 0.1, 0.5];
        var rows = new List<string[]>();
        int n = c.Full ? 1000 : 300;
        foreach (double d in ds)
        {
            double gc = ScsDmft.CriticalGain(d);
            double gl = ScsDmft.LocalStabilityGain(d);
            DmftSolution at = ScsDmft.Solve(gc, d);
            var sims = new List<string>();
            foreach (double f in new[] { 0.85, 1.15 })
            {
                var net = RateNetwork.Create(n, gc * f, 0, RateActivation.Tanh, c.Seed);
                net.Threads = c.Threads;
                RateSimulationResult r = RateSimulation.Run(net, new RateSimulationOptions { Dt = 0.02, Duration = c.Full ? 200 : 60, Transient = 20, NoiseD = d, Seed = c.Seed }, 1);
                sims.Add($"{F(r.LyapunovExponents[0])} ± {F(r.LyapunovStandardErrors[0])} (DMFT {F(ScsDmft.Solve(gc * f, d).LambdaMax)})");
                c.Number($"D{d.ToString(CultureInfo.InvariantCulture)}_lambda_sim_{f.ToString(CultureInfo.InvariantCulture)}gc", r.LyapunovExponents[0]);
            }

            rows.Add([F(d), F(gc), F(at.LocalStability), F(gl), sims[0], sims[1]]);
            c.Number($"D{d.ToString(CultureInfo.InvariantCulture)}_g_c", gc);
            c.Number($"D{d.ToString(CultureInfo.InvariantCulture)}_g_local", gl);
        }

        c.TextTable(
            $"Chaos onset with noise (Schuecker, Goedeke & Helias 2018): g_c(D) where Δ''(0+) = 0; simulated λ_max (N = {n}, stochastic Heun dt = 0.02) at 0.85 g_c and 1.15 g_c",
            ["D", "g_c", "g_c² ⟨φ'²⟩ at g_c", "g where g²⟨φ'²⟩ = 1", "λ_max sim at 0.85 g_c", "λ_max sim at 1.15 g_c"],
            rows);
    }

    private static void QiuHuang(SectionContext c)
    {
        c.Progress("Qiu-Huang measure");

        // q, r·√β against g at β = 1e4 (γ = 0 closed form) and β = ∞.
        double[] gs = Enumerable.Range(0, 81).Select(k => 0.4 + k * 0.01).ToArray();
        var fin = gs.Select(g => ReplicaTheory.GammaZero(g, 1e4)).ToArray();
        var inf = gs.Select(g => ReplicaTheory.GammaZero(g, double.PositiveInfinity)).ToArray();
        c.Figure(
            new FigureSpec
            {
                Title = "Order parameters at gamma = 0 (exact RS solution)",
                XLabel = "g",
                YLabel = "q, Q, r sqrt(beta), R",
                Series =
                [
                    new Series("q (beta = 1e4)", gs, fin.Select(s => s.SmallQ).ToArray()),
                    new Series("Q (beta = 1e4)", gs, fin.Select(s => s.LargeQ).ToArray()),
                    new Series("r sqrt(beta) (beta = 1e4)", gs, fin.Select(s => s.SmallR * 100).ToArray()),
                    new Series("R (beta = 1e4)", gs, fin.Select(s => s.LargeR).ToArray()),
                    new Series("q (beta = inf)", gs, inf.Select(s => s.SmallQ).ToArray(), Dashed: true),
                ],
            },
            "order_parameters",
            "q rises continuously above g = 1 towards the static SCS fixed-point value q*; Q = R = 0 at gamma = 0; r·√β (the integrated response) is 1 below and ⟨φ'⟩ above g = 1 (a kink).");

        // q against β, log–log, with fitted slopes.
        double[] betas = Enumerable.Range(0, 41).Select(k => Math.Pow(10, 2 + k * 0.1)).ToArray();
        var qb = new List<Series>();
        foreach (double g in new[] { 0.8, 0.98, 1.0, 1.2 })
        {
            qb.Add(new Series($"g = {g}", betas, betas.Select(b => ReplicaTheory.GammaZero(g, b).SmallQ).ToArray()));
        }

        c.Figure(
            new FigureSpec { Title = "q against beta (gamma = 0)", XLabel = "beta", YLabel = "q", LogX = true, LogY = true, Series = qb },
            "q_vs_beta",
            "Slopes −1 on the ordered side (for β ≫ 2/(1−g²)²), −1/2 at g = 1, 0 (q → q*) on the chaotic side.");
        var slopes = new (double G, double Lo, double Hi)[] { (0.8, 1e2, 1e4), (0.98, 1e2, 1e4), (0.98, 1e4, 1e6), (1.0, 1e2, 1e4) };
        var srows = new List<string[]>();
        foreach (var (g, lo, hi) in slopes)
        {
            double sl = ReplicaTheory.ScalingExponent(g, lo, hi);
            srows.Add([F(g), $"[{lo:G2}, {hi:G2}]", F(sl)]);
            c.Number($"slope_g{g.ToString(CultureInfo.InvariantCulture)}_{lo:G2}_{hi:G2}", sl);
        }

        c.TextTable("β-scaling exponent of q (10 log-spaced β)", ["g", "β range", "d ln q / d ln β"], srows);

        // MALA: equipartition and q in the ordered phase.
        int n = c.Full ? 1000 : 200;
        var mrows = new List<string[]>();
        var eb = new List<double>();
        var ee = new List<double>();
        foreach (double g in new[] { 0.5, 0.8 })
        {
            var net = RateNetwork.Create(n, g, 0, RateActivation.Tanh, c.Seed);
            net.Threads = c.Threads;
            double[] schedule = [100, 300, 1000];
            IReadOnlyList<MalaResult> res = MalaSampler.Run(new SpeedPotential(net), new MalaOptions { Betas = schedule, BurnIn = c.Full ? 5000 : 1500, Steps = c.Full ? 40000 : 8000, Seed = c.Seed });
            foreach (MalaResult r in res)
            {
                double q = ReplicaTheory.GammaZero(g, r.Beta).SmallQ;
                mrows.Add([F(g), F(r.Beta), $"{F(r.EnergyPerNeuron * 2 * r.Beta)} ± {F(r.EnergySe * 2 * r.Beta)}", $"{F(r.Q)} ± {F(r.QSe)}", F(q), $"{(r.Q - q) / q:P2}", F(r.Acceptance)]);
                c.Number($"mala_g{g.ToString(CultureInfo.InvariantCulture)}_beta{r.Beta}_e2beta", r.EnergyPerNeuron * 2 * r.Beta);
                c.Number($"mala_g{g.ToString(CultureInfo.InvariantCulture)}_beta{r.Beta}_q_rel_dev", (r.Q - q) / q);
                if (g == 0.8)
                {
                    eb.Add(r.Beta);
                    ee.Add(r.EnergyPerNeuron);
                }
            }
        }

        c.TextTable($"MALA sampling of exp(−βE), γ = 0, N = {n}, annealed β = 100 → 300 → 1000", ["g", "β", "e·2β", "q (MALA)", "q (RS theory)", "q dev", "acceptance"], mrows);
        c.Figure(
            new FigureSpec
            {
                Title = "Energy per neuron against beta (g = 0.8)",
                XLabel = "beta",
                YLabel = "e",
                LogX = true,
                LogY = true,
                Series = [new Series("1/(2 beta)", betas, betas.Select(b => 0.5 / b).ToArray()), new Series("MALA", eb, ee, Markers: true)],
            },
            "energy_vs_beta",
            "Equipartition e = 1/(2β): exact at γ = 0 (Ĉ = 0 saddle), checked by MALA.");
    }

    private static void ReciprocalEnergy(SectionContext c)
    {
        // γ ≠ 0: equipartition is not exact; the RS energy e = ½⟨(x − h)²⟩ (ReplicaEquations) against MALA, ordered phase.
        c.Progress("RS energy at gamma != 0");
        int n = c.Full ? 1000 : 300;
        int steps = c.Full ? 40000 : 12000;
        var rs = new ReplicaSolverOptions { HermiteNodes = 16, GridPoints = 801 };
        var rows = new List<string[]>();
        foreach (var (g, gamma) in new[] { (0.5, 0.5), (0.6, 0.5), (0.8, -0.5) })
        {
            ReplicaSolution s = ReplicaEquations.Solve(g, gamma, 100, rs);
            var net = RateNetwork.Create(n, g, gamma, RateActivation.Tanh, c.Seed);
            net.Threads = c.Threads;
            MalaResult r = MalaSampler.Run(new SpeedPotential(net), new MalaOptions { Betas = [100.0], BurnIn = steps / 5, Steps = steps, Seed = c.Seed })[0];
            double e2 = s.EnergyPerNeuron * 200, m2 = r.EnergyPerNeuron * 200, se = r.EnergySe * 200;
            string key = $"rs_energy_g{g.ToString(CultureInfo.InvariantCulture)}_gamma{gamma.ToString(CultureInfo.InvariantCulture)}";
            c.Number($"{key}_e2beta", e2);
            c.Number($"{key}_mala_e2beta", m2);
            c.Number($"{key}_mala_se", se);
            rows.Add([F(g), F(gamma), F(e2), $"{F(m2)} ± {F(se)}", F((m2 - e2) / se), F((m2 - 1) / se)]);
        }

        c.TextTable(
            $"Energy at γ ≠ 0, β = 100: RS theory against MALA (N = {n}, {steps} steps); equipartition (e·2β = 1) holds only at γ = 0",
            ["g", "γ", "e·2β RS", "e·2β MALA", "(MALA − RS)/SE", "(MALA − 1)/SE"],
            rows);
    }

    private static void SampledDmftChecks(SectionContext c)
    {
        // (a) γ = 0: stationary Δ0 and Δ(τ) of the sampled DMFT against the SCS quadrature.
        c.Progress("sampled DMFT (gamma = 0)");
        const double g0 = 2.0;
        var o0 = new SampledDmftOptions { Dt = 0.1, Duration = 40, Paths = c.Full ? 8000 : 4000, Iterations = c.Full ? 40 : 30, Seed = c.Seed, Threads = c.Threads };
        SampledDmftResult a = SampledDmft.Solve(g0, 0, o0);
        DmftSolution scs = ScsDmft.Solve(g0);
        double ScsAt(double tau) => scs.Delta[Math.Max(0, Array.FindIndex(scs.Tau, t => t >= tau))];
        c.Number("sampled_dmft_g2_delta0", a.Delta0);
        c.Number("sampled_dmft_g2_delta0_scs", scs.Delta0);
        var rows = new List<string[]>();
        foreach (double tau in new[] { 0.0, 1.0, 2.0, 3.0, 5.0 })
        {
            int i = (int)Math.Round(tau / o0.Dt);
            if (i < a.Lags.Length)
            {
                rows.Add([F(tau), F(a.Autocorrelation[i]), F(ScsAt(tau)), $"{(a.Autocorrelation[i] - ScsAt(tau)) / ScsAt(tau):P1}"]);
            }
        }

        c.TextTable($"Sampled time-dependent DMFT (γ = 0, g = 2, {o0.Paths} paths, {o0.Iterations} iterations, window [20, 40]) against the SCS quadrature", ["τ", "Δ(τ) sampled", "Δ(τ) SCS", "dev"], rows);
        c.Figure(
            new FigureSpec
            {
                Title = "Delta(tau), g = 2, gamma = 0: SCS quadrature and sampled DMFT",
                XLabel = "tau",
                YLabel = "Delta(tau)",
                Series = [new Series("SCS quadrature", scs.Tau, scs.Delta), new Series("sampled paths", a.Lags, a.Autocorrelation, Markers: true)],
            },
            "sampled_dmft_gamma0",
            "Effective single-unit paths with a Gaussian field of covariance g² C_φ(t, s), iterated to self-consistency; stationary averages over the second half of the window.");

        // (b) γ ≠ 0 with noise (the authors' check: g = 0.8, γ = 0.5, σ = 0.1 ⇒ D = 0.005): C(t, t) from x(0) ~ N(0, 1)
        // against networks.
        c.Progress("sampled DMFT (gamma = 0.5) vs networks");
        const double g1 = 0.8, gamma1 = 0.5, d1 = 0.005;
        var o1 = new SampledDmftOptions { Dt = 0.1, Duration = 20, Paths = c.Full ? 4000 : 2000, ResponsePaths = c.Full ? 400 : 200, Iterations = c.Full ? 25 : 20, NoiseD = d1, Seed = c.Seed, Threads = c.Threads };
        SampledDmftResult b = SampledDmft.Solve(g1, gamma1, o1);
        int n = c.Full ? 2000 : 1000;
        int seeds = c.Full ? 3 : 2;
        var nets = new List<double[]>();
        double[] netTimes = [];
        for (int sd = 0; sd < seeds; sd++)
        {
            var net = RateNetwork.Create(n, g1, gamma1, RateActivation.Tanh, c.Seed + (ulong)sd);
            net.Threads = c.Threads;
            RateSimulationResult r = RateSimulation.Run(net, new RateSimulationOptions { Dt = 0.02, Duration = 20, Transient = 0, NoiseD = d1, RecordUnits = n, RecordEvery = 5, Seed = c.Seed + (ulong)sd, Blocks = 2 });
            netTimes = r.Times;
            nets.Add(r.Times.Select((_, k) => r.Traces.Average(u => u[k] * u[k])).ToArray());
        }

        var brows = new List<string[]>();
        foreach (double t in new[] { 2.0, 5.0, 10.0, 15.0, 20.0 })
        {
            int i = (int)Math.Round(t / o1.Dt);
            int j = Math.Min(netTimes.Length - 1, (int)Math.Round(t / 0.1));
            double mean = nets.Average(v => v[j]);
            brows.Add([F(t), F(b.Variance[i]), F(mean), string.Join(", ", nets.Select(v => F(v[j]))), $"{(b.Variance[i] - mean) / mean:P1}"]);
            c.Number($"sampled_dmft_gamma0.5_t{t}_C", b.Variance[i]);
            c.Number($"sampled_dmft_gamma0.5_t{t}_C_net", mean);
        }

        c.Number("sampled_dmft_gamma0.5_response_integral", b.ResponseIntegral[^1]);
        c.TextTable(
            $"Sampled DMFT with reciprocity (g = 0.8, γ = 0.5, D = 0.005, x(0) ~ N(0, 1); {o1.Paths} paths, {o1.ResponsePaths} response paths) against networks (N = {n}, {seeds} realisation(s), Heun dt = 0.02)",
            ["t", "C(t,t) DMFT", "C(t,t) networks (mean)", "networks", "dev"],
            brows);
        var series = new List<Series> { new("DMFT (sampled paths)", b.Times, b.Variance) };
        for (int sd = 0; sd < nets.Count; sd++)
        {
            series.Add(new Series(sd == 0 ? $"network N = {n}" : string.Empty, netTimes, nets[sd], Dashed: true));
        }

        c.Figure(
            new FigureSpec { Title = "C(t,t), g = 0.8, gamma = 0.5, D = 0.005: sampled DMFT and networks", XLabel = "t", YLabel = "<x(t)^2>", Series = series },
            "sampled_dmft_reciprocal",
            "Time-dependent DMFT with the reaction term γg²∫R(t,s)φ(x(s))ds, R from tangents of the sampled paths.");
    }
}
