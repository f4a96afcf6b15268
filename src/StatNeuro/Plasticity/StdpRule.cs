namespace StatNeuro.Plasticity;

/// <summary>How the spike traces of STDP accumulate.</summary>
public enum StdpPairing
{
    /// <summary>All pairs interact: a spike adds a (the slides' a(x) = a constant).</summary>
    AllToAll,

    /// <summary>Nearest spike: a spike sets the trace to a (the slides' a(x) = a − x), so only the latest spike counts.</summary>
    Nearest,
}

/// <summary>How the amplitudes A±(w) depend on the weight.</summary>
public enum WeightDependence
{
    /// <summary>A+(w) = A+, A−(w) = A−, then clipped to [w_min, w_max] (hard bounds).</summary>
    Additive,

    /// <summary>A+(w) = A+ (w_max − w), A−(w) = A− (w − w_min): multiplicative soft bounds.</summary>
    SoftBound,
}

/// <summary>
/// Spike-timing-dependent plasticity with online traces, as in the slides (seed 002):
/// τ+ dx/dt = −x, x ← x + a+ at a presynaptic spike; τ− dy/dt = −y, y ← y + a− at a postsynaptic spike;
/// at a postsynaptic spike w ← w + A+(w) x; at a presynaptic spike w ← w − A−(w) y.
/// </summary>
/// <remarks>
/// Convention: the trace jumps by a itself (as in Brian2 and NEST). The slides write τ+ dx/dt = −x + a+(x) Σ δ(t − t_f),
/// whose jump is a+/τ+; the two are the same model with a_slides = τ a. With a± = 1 and additive dependence a single
/// pair with Δt = t_post − t_pre changes the weight by A+ e^{−Δt/τ+} for Δt &gt; 0 and by −A− e^{Δt/τ−} for Δt &lt; 0
/// (Bi &amp; Poo 1998; Song, Miller &amp; Abbott 2000; Morrison, Diesmann &amp; Gerstner 2008 for the trace forms).
/// Traces are advanced event-driven by the exact factor e^{−(n − n_last) h/τ}, so there is no per-step cost.
/// </remarks>
public sealed record StdpRule
{
    /// <summary>Presynaptic trace time constant τ+ (ms).</summary>
    public double TauPlus { get; init; } = 20;

    /// <summary>Postsynaptic trace time constant τ− (ms).</summary>
    public double TauMinus { get; init; } = 20;

    /// <summary>Potentiation amplitude A+ (weight units; per unit weight gap for soft bounds).</summary>
    public double APlus { get; init; } = 0.01;

    /// <summary>Depression amplitude A− (weight units; per unit weight gap for soft bounds).</summary>
    public double AMinus { get; init; } = 0.0105;

    /// <summary>Presynaptic trace jump a+.</summary>
    public double TraceJumpPlus { get; init; } = 1;

    /// <summary>Postsynaptic trace jump a−.</summary>
    public double TraceJumpMinus { get; init; } = 1;

    /// <summary>Trace accumulation.</summary>
    public StdpPairing Pairing { get; init; } = StdpPairing.AllToAll;

    /// <summary>Weight dependence of A±.</summary>
    public WeightDependence Dependence { get; init; } = WeightDependence.Additive;

    /// <summary>Lower weight bound.</summary>
    public double WMin { get; init; }

    /// <summary>Upper weight bound.</summary>
    public double WMax { get; init; } = 1;

    /// <summary>The closed-form weight change of one pre/post pair (additive, a± = 1 scaled by the jumps).</summary>
    /// <param name="deltaTMs">Δt = t_post − t_pre in ms (≠ 0).</param>
    /// <returns>A+ a+ e^{−Δt/τ+} for Δt &gt; 0, −A− a− e^{Δt/τ−} for Δt &lt; 0.</returns>
    public double PairWindow(double deltaTMs) =>
        deltaTMs > 0 ? APlus * TraceJumpPlus * Math.Exp(-deltaTMs / TauPlus) : -AMinus * TraceJumpMinus * Math.Exp(deltaTMs / TauMinus);

    /// <summary>Checks the parameters.</summary>
    public void Validate()
    {
        if (!(TauPlus > 0) || !(TauMinus > 0) || !(WMax >= WMin) || !(APlus >= 0) || !(AMinus >= 0))
        {
            throw new ArgumentException("STDP needs tau_plus, tau_minus > 0, A± >= 0 and w_max >= w_min.");
        }
    }

    /// <summary>Weight after potentiation by the presynaptic trace value x.</summary>
    /// <param name="w">Current weight.</param>
    /// <param name="x">Presynaptic trace at the postsynaptic spike.</param>
    /// <returns>New weight, within the bounds.</returns>
    public double Potentiate(double w, double x)
    {
        double a = Dependence == WeightDependence.SoftBound ? APlus * (WMax - w) : APlus;
        return Math.Clamp(w + a * x, WMin, WMax);
    }

    /// <summary>Weight after depression by the postsynaptic trace value y.</summary>
    /// <param name="w">Current weight.</param>
    /// <param name="y">Postsynaptic trace at the presynaptic spike.</param>
    /// <returns>New weight, within the bounds.</returns>
    public double Depress(double w, double y)
    {
        double a = Dependence == WeightDependence.SoftBound ? AMinus * (w - WMin) : AMinus;
        return Math.Clamp(w - a * y, WMin, WMax);
    }

    /// <summary>Trace value after a spike.</summary>
    /// <param name="trace">Trace just before the spike (already decayed).</param>
    /// <param name="jump">a+ or a−.</param>
    /// <returns>trace + jump (all-to-all) or jump (nearest).</returns>
    public double Bump(double trace, double jump) => Pairing == StdpPairing.Nearest ? jump : trace + jump;
}
