using StatNeuro.Numerics;

namespace StatNeuro.MeanField;

/// <summary>A stationary population density on the finite-volume grid.</summary>
/// <param name="CellCentresMv">Cell centres (mV).</param>
/// <param name="Density">p per mV at each cell (the refractory mass τ_ref ν lies outside p).</param>
/// <param name="RateHz">Stationary rate ν = J(θ) (Hz).</param>
public sealed record StationaryDensity(double[] CellCentresMv, double[] Density, double RateHz);

/// <summary>
/// Fokker–Planck population density of LIF neurons on cell-centred finite volumes with Scharfetter–Gummel fluxes.
/// </summary>
/// <remarks>
/// <para>∂p/∂t = -∂J/∂V + ν(t - τ_ref) δ(V - V_r), J = ((μ - V)/τ) p - (σ^2/(2τ)) ∂p/∂V (Brunel &amp; Hakim 1999;
/// seed 000), absorbing at θ (p(θ) = 0, ν = J(θ)), a reflecting wall at V_lb.</para>
/// <para>Grid: N cells on [V_lb, θ] with V_r on an interface. Interface flux (Scharfetter &amp; Gummel 1969)
/// J_j = (D/ΔV)[B(-Pe_j) p_(j-1) - B(Pe_j) p_j], B(z) = z/(e^z - 1), Pe_j = v_j ΔV/D, v_j = (μ - V_j)/τ at the
/// interface V_j, D = σ^2/(2τ); threshold flux ν = D(9 p_(N-1) - p_(N-2))/(3ΔV) (the quadratic through p(θ) = 0);
/// reinjection half into each cell beside V_r. The stationary state is the exact discrete solution: with ν
/// fixed, the interface fluxes are known (0 below V_r, ν/2 at V_r, ν above), so p follows by one downward sweep
/// from the threshold, then ΔV Σ p + τ_ref ν = 1 normalises it. Second order in ΔV (measured in the tests).</para>
/// </remarks>
public static class FokkerPlanck
{
    /// <summary>The stationary density and rate on an N-cell grid.</summary>
    /// <param name="muMv">μ (mV).</param>
    /// <param name="sigmaMv">σ (mV), &gt; 0.</param>
    /// <param name="neuron">Neuron parameters.</param>
    /// <param name="cells">N; (V_r - V_lb)/ΔV must be an integer.</param>
    /// <param name="lowerBoundMv">V_lb, the reflecting wall; default <see cref="LowerBoundFor"/>(μ, σ), which puts
    /// all cells where the density lives.</param>
    /// <returns>The stationary state.</returns>
    /// <exception cref="ArgumentException">When V_r does not fall on an interface or the input is invalid.</exception>
    public static StationaryDensity Stationary(double muMv, double sigmaMv, DiffusionLifParameters neuron, int cells, double? lowerBoundMv = null)
    {
        ArgumentNullException.ThrowIfNull(neuron);
        neuron.Validate();
        if (!(sigmaMv > 0) || !double.IsFinite(sigmaMv) || !double.IsFinite(muMv))
        {
            throw new ArgumentException($"sigma = {sigmaMv} must be finite and > 0 and mu = {muMv} finite.", nameof(sigmaMv));
        }

        return StationaryOn(muMv, sigmaMv, neuron, cells, lowerBoundMv ?? LowerBoundFor(muMv, sigmaMv, neuron, cells));
    }

    /// <summary>
    /// A reflecting wall V_lb for inputs with μ ≥ <paramref name="muMinMv"/> and σ ≤ <paramref name="sigmaMaxMv"/>:
    /// min(V_r, μ_min) - 6 σ_max, lowered to the nearest value that puts V_r on a cell interface of the N-cell grid.
    /// </summary>
    /// <param name="muMinMv">The smallest μ the grid must hold (mV).</param>
    /// <param name="sigmaMaxMv">The largest σ (mV), &gt; 0.</param>
    /// <param name="neuron">Neuron parameters.</param>
    /// <param name="cells">N, at least 4.</param>
    /// <returns>V_lb (mV).</returns>
    /// <remarks>Below min(V_r, μ) the stationary density is the Ornstein–Uhlenbeck Gaussian tail with standard
    /// deviation σ/√2, so 6σ below it the density is e^(-36) ≈ 2e-16 of its value there: the wall costs nothing, and
    /// no cells are spent on empty voltage range. With a fixed wall at -30 mV the 1000-cell rate was 2.3e-4 from
    /// Siegert at μ = 25, σ = 2 (4.4e-5 with this wall) and 2.3e-3 at μ = -10, σ = 10 (the wall cut the density;
    /// 1.8e-5 with this one).</remarks>
    public static double LowerBoundFor(double muMinMv, double sigmaMaxMv, DiffusionLifParameters neuron, int cells)
    {
        ArgumentNullException.ThrowIfNull(neuron);
        if (!(sigmaMaxMv > 0) || !double.IsFinite(sigmaMaxMv) || !double.IsFinite(muMinMv) || cells < 4)
        {
            throw new ArgumentException($"sigma = {sigmaMaxMv} must be finite and > 0, mu = {muMinMv} finite and cells = {cells} at least 4.", nameof(sigmaMaxMv));
        }

        double wanted = Math.Min(neuron.ResetMv, muMinMv) - (6 * sigmaMaxMv);
        double span = neuron.ThresholdMv - neuron.ResetMv;
        int above = Math.Clamp((int)Math.Floor(cells * span / (neuron.ThresholdMv - wanted)), 2, cells - 1);
        return neuron.ThresholdMv - (cells * span / above);
    }

    private static StationaryDensity StationaryOn(double muMv, double sigmaMv, DiffusionLifParameters neuron, int cells, double lowerBoundMv)
    {

        if (!(lowerBoundMv < neuron.ResetMv) || cells < 4)
        {
            throw new ArgumentException($"Need V_lb = {lowerBoundMv} < V_r = {neuron.ResetMv} and at least 4 cells.", nameof(cells));
        }

        double dv = (neuron.ThresholdMv - lowerBoundMv) / cells;
        double resetPosition = (neuron.ResetMv - lowerBoundMv) / dv;
        int reset = (int)Math.Round(resetPosition);
        if (Math.Abs(resetPosition - reset) > 1e-9 || reset < 1 || reset > cells - 2)
        {
            throw new ArgumentException($"V_r = {neuron.ResetMv} mV is not on a cell interface of {cells} cells on [{lowerBoundMv}, {neuron.ThresholdMv}] mV; choose N so that (V_r - V_lb)/dV is an integer.", nameof(cells));
        }

        double d = sigmaMv * sigmaMv / (2 * neuron.TauMs);
        double kappa = dv / d;
        var p = new double[cells];

        // Unnormalised: ν = 1. Top two cells from the threshold flux and the flux through interface N-1.
        double peTop = Peclet(muMv, lowerBoundMv + ((cells - 1) * dv), neuron.TauMs, dv, d);
        double alpha = Bernoulli(-peTop), beta = Bernoulli(peTop);
        p[cells - 1] = kappa * (1 + (3 * alpha)) / ((9 * alpha) - beta);
        p[cells - 2] = (9 * p[cells - 1]) - (3 * kappa);
        for (int j = cells - 2; j >= 1; j--)
        {
            double flux = j > reset ? 1.0 : (j == reset ? 0.5 : 0.0);
            double pe = Peclet(muMv, lowerBoundMv + (j * dv), neuron.TauMs, dv, d);
            p[j - 1] = ((kappa * flux) + (Bernoulli(pe) * p[j])) / Bernoulli(-pe);
        }

        double mass = neuron.RefractoryMs;
        double sum = 0, compensation = 0;
        for (int j = 0; j < cells; j++)
        {
            double y = (p[j] * dv) - compensation;
            double t = sum + y;
            compensation = (t - sum) - y;
            sum = t;
        }

        mass += sum;
        var centres = new double[cells];
        for (int j = 0; j < cells; j++)
        {
            p[j] /= mass;
            centres[j] = lowerBoundMv + ((j + 0.5) * dv);
        }

        return new StationaryDensity(centres, p, 1000 / mass);
    }

    /// <summary>The analytic stationary density p0(V) = (2ν τ/σ) e^(-y^2) ∫_(max(y, y_r))^(y_th) e^(u^2) du (per mV).</summary>
    /// <param name="voltageMv">V (mV), ≤ θ.</param>
    /// <param name="muMv">μ.</param>
    /// <param name="sigmaMv">σ.</param>
    /// <param name="neuron">Neuron.</param>
    /// <returns>p0(V) per mV.</returns>
    /// <remarks>Evaluated as (2ν τ/σ)[e^(b^2 - y^2) D(b) - e^(a^2 - y^2) D(a)] with D the Dawson function,
    /// a = max(y, y_r), b = y_th; ν per ms from <see cref="Siegert"/>.</remarks>
    public static double AnalyticDensity(double voltageMv, double muMv, double sigmaMv, DiffusionLifParameters neuron)
    {
        ArgumentNullException.ThrowIfNull(neuron);
        if (voltageMv >= neuron.ThresholdMv)
        {
            return 0;
        }

        double nu = Siegert.RateHz(muMv, sigmaMv, neuron) / 1000;
        double y = (voltageMv - muMv) / sigmaMv;
        double b = (neuron.ThresholdMv - muMv) / sigmaMv;
        double a = Math.Max(y, (neuron.ResetMv - muMv) / sigmaMv);
        double integral = (Math.Exp((b * b) - (y * y)) * ErrorFunctions.Dawson(b)) - (Math.Exp((a * a) - (y * y)) * ErrorFunctions.Dawson(a));
        return 2 * nu * neuron.TauMs / sigmaMv * integral;
    }

    private static double Peclet(double mu, double v, double tau, double dv, double d) => (mu - v) / tau * dv / d;

    private static double Bernoulli(double z) => Math.Abs(z) < 1e-8 ? 1 - (0.5 * z) : z / ErrorFunctions.ExpM1(z);
}
