using StatNeuro.Numerics;

namespace StatNeuro.MeanField;

/// <summary>One self-consistent solution of the Curie–Weiss model with its thermodynamics (per spin, k_B = 1).</summary>
/// <param name="Magnetization">m, a root of m = tanh(β(zJ m + H)).</param>
/// <param name="FreeEnergy">Landau form f = zJ m^2/2 - T ln(2 cosh(β(zJ m + H))).</param>
/// <param name="FreeEnergyBraggWilliams">Bragg–Williams form (equal to <paramref name="FreeEnergy"/> at every solution).</param>
/// <param name="Stable">True for a local minimum (f''(m) = zJ - β(zJ)^2(1 - m^2) &gt; 0): stable or metastable.</param>
/// <param name="Susceptibility">χ = dm/dH = β(1 - m^2)/(1 - βzJ(1 - m^2)).</param>
/// <param name="Energy">u = -zJ m^2/2 - H m.</param>
/// <param name="Entropy">s = (u - f)/T.</param>
/// <param name="SpecificHeat">c = du/dT = -(zJ m + H) dm/dT.</param>
public sealed record CurieWeissState(
    double Magnetization,
    double FreeEnergy,
    double FreeEnergyBraggWilliams,
    bool Stable,
    double Susceptibility,
    double Energy,
    double Entropy,
    double SpecificHeat);

/// <summary>The two branches of a hysteresis loop at fixed temperature.</summary>
/// <param name="Fields">Fields H, ascending.</param>
/// <param name="Up">m along the sweep with increasing H (starting on the m &lt; 0 branch).</param>
/// <param name="Down">m along the sweep with decreasing H (starting on the m &gt; 0 branch).</param>
/// <param name="SpinodalField">H_c(T), where the metastable branch ends.</param>
public sealed record HysteresisLoop(double[] Fields, double[] Up, double[] Down, double SpinodalField);

/// <summary>Critical exponents and amplitudes measured numerically from the solutions (zJ = T_c).</summary>
/// <param name="BetaExponent">m ~ (1 - T/T_c)^β at H = 0 (mean field: 1/2).</param>
/// <param name="BetaAmplitude">Amplitude B in m ≈ B (1 - T/T_c)^β (mean field: √3).</param>
/// <param name="GammaExponent">χ ~ (T - T_c)^(-γ) above T_c (mean field: 1).</param>
/// <param name="GammaPrimeExponent">χ ~ (T_c - T)^(-γ') below T_c (mean field: 1).</param>
/// <param name="SusceptibilityAmplitudeRatio">C+/C- of the two susceptibility amplitudes (mean field: 2).</param>
/// <param name="DeltaExponent">m ~ H^(1/δ) at T = T_c (mean field: 3).</param>
/// <param name="SpecificHeatJump">c(T_c-) - c(T_c+) (mean field: 3/2 for zJ = 1).</param>
public sealed record CriticalExponents(
    double BetaExponent,
    double BetaAmplitude,
    double GammaExponent,
    double GammaPrimeExponent,
    double SusceptibilityAmplitudeRatio,
    double DeltaExponent,
    double SpecificHeatJump);

/// <summary>
/// The Curie–Weiss (infinite-range, mean-field) Ising model: every self-consistent magnetization with its stability,
/// both free-energy forms, the thermodynamics, spinodals, hysteresis and critical exponents.
/// </summary>
/// <remarks>
/// <para>m = tanh(β(zJ m + H)), T_c = zJ (k_B = 1). Landau / Hubbard–Stratonovich free energy per spin
/// f(m) = zJ m^2/2 - T ln(2 cosh(β(zJ m + H))); f'(m) = zJ[m - tanh(β(zJ m + H))], so its stationary points are
/// exactly the solutions and f'' = zJ - β(zJ)^2(1 - m^2) gives their stability. Bragg–Williams (constrained) form
/// f_BW(m) = -zJ m^2/2 - H m + T[(1+m)/2 ln((1+m)/2) + (1-m)/2 ln((1-m)/2)]: same stationary points and values
/// there; use it for barriers between minima. Spinodal H_c(T) = zJ √(1 - T/zJ) - T artanh(√(1 - T/zJ)).</para>
/// <para>Root finding: g(m) = m - tanh(β(zJ m + H)) is monotone between the spinodal points
/// m_± = (±artanh(√(1 - T/zJ))/β - H)/zJ (where g' = 0), so each of the (at most three) monotone pieces of
/// [-1, 1] is bracketed and refined by Brent's method to full double precision: all branches, never only the one an
/// iteration happens to find.</para>
/// </remarks>
public static class CurieWeiss
{
    /// <summary>Every solution of m = tanh(β(zJ m + H)), sorted by m, each with its thermodynamics.</summary>
    /// <param name="temperature">T &gt; 0.</param>
    /// <param name="field">H.</param>
    /// <param name="coupling">zJ &gt; 0 (= T_c).</param>
    /// <returns>One to three solutions.</returns>
    /// <exception cref="ArgumentOutOfRangeException">For T ≤ 0, zJ ≤ 0 or non-finite input.</exception>
    public static IReadOnlyList<CurieWeissState> Solutions(double temperature, double field, double coupling = 1)
    {
        Check(temperature, field, coupling);
        double beta = 1.0 / temperature;
        double G(double m) => m - Math.Tanh(beta * ((coupling * m) + field));

        var edges = new List<double> { -1.0 };
        if (temperature < coupling)
        {
            double a = Atanh(Math.Sqrt(1 - (temperature / coupling)));
            foreach (double edge in new[] { ((-a * temperature) - field) / coupling, ((a * temperature) - field) / coupling })
            {
                if (edge > -1 && edge < 1)
                {
                    edges.Add(edge);
                }
            }
        }

        edges.Add(1.0);
        var roots = new List<double>();
        for (int i = 0; i + 1 < edges.Count; i++)
        {
            double lo = edges[i], hi = edges[i + 1];
            double glo = G(lo), ghi = G(hi);
            if (glo == 0)
            {
                AddRoot(roots, lo);
            }
            else if (ghi == 0)
            {
                AddRoot(roots, hi);
            }
            else if (Math.Sign(glo) != Math.Sign(ghi))
            {
                AddRoot(roots, RootFinding.Brent(G, lo, hi, 1e-300, 400).Root);
            }
        }

        var states = new List<CurieWeissState>(roots.Count);
        foreach (double m in roots)
        {
            states.Add(State(m, temperature, field, coupling));
        }

        return states;
    }

    /// <summary>The thermodynamics at a given solution m (not checked to be one).</summary>
    /// <param name="m">Magnetization.</param>
    /// <param name="temperature">T.</param>
    /// <param name="field">H.</param>
    /// <param name="coupling">zJ.</param>
    /// <returns>The state.</returns>
    public static CurieWeissState State(double m, double temperature, double field, double coupling = 1)
    {
        double beta = 1.0 / temperature;
        double q = 1 - (m * m);
        double denominator = 1 - (beta * coupling * q);
        double chi = beta * q / denominator;
        double u = (-0.5 * coupling * m * m) - (field * m);
        double f = LandauFreeEnergy(m, temperature, field, coupling);
        double dmdT = -q * ((coupling * m) + field) / (temperature * temperature * denominator);
        double c = -((coupling * m) + field) * dmdT;
        return new CurieWeissState(m, f, BraggWilliamsFreeEnergy(m, temperature, field, coupling), denominator > 0, chi, u, (u - f) / temperature, c);
    }

    /// <summary>Landau form f(m) = zJ m^2/2 - T ln(2 cosh(β(zJ m + H))).</summary>
    /// <param name="m">Magnetization.</param>
    /// <param name="temperature">T.</param>
    /// <param name="field">H.</param>
    /// <param name="coupling">zJ.</param>
    /// <returns>f per spin.</returns>
    public static double LandauFreeEnergy(double m, double temperature, double field, double coupling = 1) =>
        (0.5 * coupling * m * m) - (temperature * SpecialFunctions.LogTwoCosh(((coupling * m) + field) / temperature));

    /// <summary>Bragg–Williams form f_BW(m) = -zJ m^2/2 - H m + T[(1+m)/2 ln((1+m)/2) + (1-m)/2 ln((1-m)/2)].</summary>
    /// <param name="m">Magnetization in [-1, 1].</param>
    /// <param name="temperature">T.</param>
    /// <param name="field">H.</param>
    /// <param name="coupling">zJ.</param>
    /// <returns>f_BW per spin.</returns>
    public static double BraggWilliamsFreeEnergy(double m, double temperature, double field, double coupling = 1) =>
        (-0.5 * coupling * m * m) - (field * m) + (temperature * (XLogX(0.5 * (1 + m)) + XLogX(0.5 * (1 - m))));

    /// <summary>Spinodal field H_c(T) = zJ √(1 - T/zJ) - T artanh(√(1 - T/zJ)) (0 for T ≥ zJ).</summary>
    /// <param name="temperature">T &gt; 0.</param>
    /// <param name="coupling">zJ.</param>
    /// <returns>H_c(T): the metastable branch exists exactly while |H| &lt; H_c.</returns>
    public static double SpinodalField(double temperature, double coupling = 1)
    {
        if (temperature >= coupling)
        {
            return 0;
        }

        double r = Math.Sqrt(1 - (temperature / coupling));
        return (coupling * r) - (temperature * Atanh(r));
    }

    /// <summary>A hysteresis loop: sweep H from -H_max to H_max and back, following the (meta)stable branch.</summary>
    /// <param name="temperature">T.</param>
    /// <param name="maxField">H_max &gt; 0.</param>
    /// <param name="points">Number of fields (≥ 3).</param>
    /// <param name="coupling">zJ.</param>
    /// <returns>The loop.</returns>
    public static HysteresisLoop Hysteresis(double temperature, double maxField, int points, double coupling = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 3);
        var fields = new double[points];
        var up = new double[points];
        var down = new double[points];
        for (int k = 0; k < points; k++)
        {
            fields[k] = -maxField + (2 * maxField * k / (points - 1));
        }

        double previous = -1;
        for (int k = 0; k < points; k++)
        {
            previous = up[k] = Follow(Solutions(temperature, fields[k], coupling), previous);
        }

        previous = 1;
        for (int k = points - 1; k >= 0; k--)
        {
            previous = down[k] = Follow(Solutions(temperature, fields[k], coupling), previous);
        }

        return new HysteresisLoop(fields, up, down, SpinodalField(temperature, coupling));
    }

    /// <summary>The spontaneous magnetization m_0(T) ≥ 0 at H = 0 (the largest root).</summary>
    /// <param name="temperature">T.</param>
    /// <param name="coupling">zJ.</param>
    /// <returns>m_0.</returns>
    public static double SpontaneousMagnetization(double temperature, double coupling = 1)
    {
        IReadOnlyList<CurieWeissState> s = Solutions(temperature, 0, coupling);
        return s[^1].Magnetization;
    }

    /// <summary>Measures the critical exponents by log–log fits close to T_c.</summary>
    /// <param name="coupling">zJ (= T_c).</param>
    /// <returns>Exponents and amplitudes.</returns>
    /// <remarks>β from m_0 at 1 - T/T_c in [1e-6, 1e-4]; γ, γ' from χ at |T - T_c|/T_c in [1e-6, 1e-4];
    /// δ from m at T_c for H/zJ in [1e-12, 1e-9]; the specific-heat jump from c at T_c(1 ∓ 1e-7).</remarks>
    public static CriticalExponents MeasureExponents(double coupling = 1)
    {
        double tc = coupling;
        var lt = new List<double>();
        var lm = new List<double>();
        var lchiBelow = new List<double>();
        var lchiAbove = new List<double>();
        for (double e = -6; e <= -4.0001; e += 0.25)
        {
            double t = Math.Pow(10, e);
            lt.Add(Math.Log(t));
            CurieWeissState below = Solutions(tc * (1 - t), 0, coupling)[^1];
            lm.Add(Math.Log(below.Magnetization));
            lchiBelow.Add(Math.Log(below.Susceptibility));
            lchiAbove.Add(Math.Log(Solutions(tc * (1 + t), 0, coupling)[0].Susceptibility));
        }

        (double betaSlope, double betaIntercept) = Fit(lt, lm);
        (double gammaPrimeSlope, double interceptBelow) = Fit(lt, lchiBelow);
        (double gammaSlope, double interceptAbove) = Fit(lt, lchiAbove);
        var lh = new List<double>();
        var lmh = new List<double>();
        for (double e = -12; e <= -9.0001; e += 0.25)
        {
            double h = coupling * Math.Pow(10, e);
            lh.Add(Math.Log(h));
            lmh.Add(Math.Log(Solutions(tc, h, coupling)[^1].Magnetization));
        }

        (double deltaSlope, _) = Fit(lh, lmh);
        double jump = Solutions(tc * (1 - 1e-7), 0, coupling)[^1].SpecificHeat - Solutions(tc * (1 + 1e-7), 0, coupling)[0].SpecificHeat;
        return new CriticalExponents(betaSlope, Math.Exp(betaIntercept), -gammaSlope, -gammaPrimeSlope, Math.Exp(interceptAbove - interceptBelow), 1 / deltaSlope, jump);
    }

    private static (double Slope, double Intercept) Fit(List<double> x, List<double> y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }

        double slope = sxy / sxx;
        return (slope, my - (slope * mx));
    }

    private static double Follow(IReadOnlyList<CurieWeissState> states, double previous)
    {
        double best = double.NaN, distance = double.PositiveInfinity;
        foreach (CurieWeissState s in states)
        {
            if (s.Stable && Math.Abs(s.Magnetization - previous) < distance)
            {
                distance = Math.Abs(s.Magnetization - previous);
                best = s.Magnetization;
            }
        }

        return best;
    }

    private static void AddRoot(List<double> roots, double m)
    {
        if (roots.Count == 0 || roots[^1] != m)
        {
            roots.Add(m);
        }
    }

    private static double XLogX(double x) => x > 0 ? x * Math.Log(x) : 0;

    private static double Atanh(double x) => 0.5 * Math.Log((1 + x) / (1 - x));

    private static void Check(double temperature, double field, double coupling)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), $"T = {temperature}: must be finite and > 0.");
        }

        if (!double.IsFinite(field))
        {
            throw new ArgumentOutOfRangeException(nameof(field), $"H = {field}: must be finite.");
        }

        if (!(coupling > 0) || double.IsInfinity(coupling))
        {
            throw new ArgumentOutOfRangeException(nameof(coupling), $"zJ = {coupling}: must be finite and > 0.");
        }
    }
}
