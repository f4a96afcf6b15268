namespace StatNeuro.Networks;

/// <summary>
/// The classic network benchmarks with the parameters of Brian2's examples (Brette et al., J. Comput. Neurosci.
/// 23:349, 2007; Brunel, J. Comput. Neurosci. 8:183, 2000). Each builder returns an unbuilt network with populations
/// "exc" and "inh".
/// </summary>
public static class BuiltinModels
{
    /// <summary>Names of the built-in models of <c>statneuro simulate</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["cuba", "cuba40k", "coba", "cobahh", "brunel", "pavlov"];

    /// <summary>
    /// CUBA (benchmark 2): LIF with exponential current synapses, 80 % excitatory, τ_m = 20, τ_e = 5, τ_i = 10 ms,
    /// E_L = −49 (the drive), threshold −50, reset −60 mV, refractory 5 ms, v(0) ~ U(−60, −50) mV; weights
    /// w_e = 1.62 mV (= 60·0.27/10), w_i = −9 mV (= −20·4.5/10), probability p from every source, no delay.
    /// </summary>
    /// <param name="neurons">Number of neurons (4000; 40 000 for CUBA-40k).</param>
    /// <param name="p">Connection probability (0.02; 0.002 for CUBA-40k).</param>
    /// <param name="dt">Step (ms).</param>
    /// <returns>The network.</returns>
    public static Network Cuba(int neurons = 4000, double p = 0.02, double dt = 0.1)
    {
        var net = new Network(dt);
        int ne = neurons * 4 / 5;
        var exc = net.Add(new LifExpPopulation("exc", ne));
        var inh = net.Add(new LifExpPopulation("inh", neurons - ne));
        var we = new ConnectionSpec(new ConnectionRule.FixedProbability(p), ValueSpec.Constant(60 * 0.27 / 10), ValueSpec.Constant(0));
        var wi = new ConnectionSpec(new ConnectionRule.FixedProbability(p), ValueSpec.Constant(-20 * 4.5 / 10), ValueSpec.Constant(0));
        net.Connect(exc, exc, "e", we);
        net.Connect(exc, inh, "e", we);
        net.Connect(inh, exc, "i", wi);
        net.Connect(inh, inh, "i", wi);
        return net;
    }

    /// <summary>
    /// COBAHH (benchmark 3): 4000 Traub–Miles HH neurons (<see cref="HhPopulation"/> defaults), p = 0.02,
    /// g_e jumps 6 nS, g_i jumps 67 nS, no delay.
    /// </summary>
    /// <param name="neurons">Number of neurons.</param>
    /// <param name="p">Connection probability.</param>
    /// <param name="dt">Step (ms).</param>
    /// <returns>The network.</returns>
    public static Network Cobahh(int neurons = 4000, double p = 0.02, double dt = 0.1)
    {
        var net = new Network(dt);
        int ne = neurons * 4 / 5;
        var exc = net.Add(new HhPopulation("exc", ne));
        var inh = net.Add(new HhPopulation("inh", neurons - ne));
        var we = new ConnectionSpec(new ConnectionRule.FixedProbability(p), ValueSpec.Constant(6), ValueSpec.Constant(0));
        var wi = new ConnectionSpec(new ConnectionRule.FixedProbability(p), ValueSpec.Constant(67), ValueSpec.Constant(0));
        net.Connect(exc, exc, "e", we);
        net.Connect(exc, inh, "e", we);
        net.Connect(inh, exc, "i", wi);
        net.Connect(inh, inh, "i", wi);
        return net;
    }

    /// <summary>
    /// COBA (benchmark 1): 4000 conductance-based LIF neurons (<see cref="CobaLifPopulation"/>: C = 200 pF,
    /// g_L = 10 nS, E_L = −60, threshold −50, reset −60 mV, refractory 5 ms, τ_e = 5, τ_i = 10 ms, E_e = 0,
    /// E_i = −80 mV), p = 0.02, jumps 6 nS and 67 nS, v(0) ~ N(−65, 5²), g_e(0)/g_L ~ N(4, 1.5²), g_i(0)/g_L ~ N(20, 12²)
    /// (negative draws set to 0), no external input.
    /// </summary>
    /// <param name="neurons">Number of neurons.</param>
    /// <param name="p">Connection probability.</param>
    /// <param name="dt">Step (ms).</param>
    /// <returns>The network.</returns>
    public static Network Coba(int neurons = 4000, double p = 0.02, double dt = 0.1)
    {
        var net = new Network(dt);
        int ne = neurons * 4 / 5;
        var exc = net.Add(new CobaLifPopulation("exc", ne));
        var inh = net.Add(new CobaLifPopulation("inh", neurons - ne));
        var we = new ConnectionSpec(new ConnectionRule.FixedProbability(p), ValueSpec.Constant(6), ValueSpec.Constant(0));
        var wi = new ConnectionSpec(new ConnectionRule.FixedProbability(p), ValueSpec.Constant(67), ValueSpec.Constant(0));
        net.Connect(exc, exc, "e", we);
        net.Connect(exc, inh, "e", we);
        net.Connect(inh, exc, "i", wi);
        net.Connect(inh, inh, "i", wi);
        return net;
    }

    /// <summary>
    /// Brunel (2000) model A: N_E = 10 000, N_I = 2 500 LIF neurons with delta synapses, τ = 20 ms, θ = 20 mV,
    /// V_r = 10 mV, refractory 2 ms, v(0) = 0; p = ε = 0.1, J = 0.1 mV from E, −gJ from I, delay D = 1.5 ms;
    /// external drive Binomial(C_ext = 1000, ν_ext·dt) jumps of J per neuron and step with ν_ext = η ν_thr,
    /// ν_thr = θ/(J C_E τ) = 10 Hz. States: A (g = 3, η = 2), B (6, 4), C (5, 2), D (4.5, 0.9).
    /// </summary>
    /// <param name="g">Relative inhibition g.</param>
    /// <param name="eta">ν_ext/ν_thr.</param>
    /// <param name="excitatory">N_E (N_I = N_E/4, C_E = ε N_E).</param>
    /// <param name="dt">Step (ms).</param>
    /// <returns>The network.</returns>
    public static Network Brunel(double g = 5, double eta = 2, int excitatory = 10_000, double dt = 0.1)
    {
        const double J = 0.1, theta = 20, tau = 20, epsilon = 0.1;
        var net = new Network(dt);
        double ce = epsilon * excitatory;
        double nuThr = theta / (J * ce * tau) * 1e3; // Hz
        var drive = new BinomialDrive(1000, eta * nuThr, J, 0);
        var exc = net.Add(new LifDeltaPopulation("exc", excitatory) { Drive = drive });
        var inh = net.Add(new LifDeltaPopulation("inh", excitatory / 4) { Drive = drive });
        var we = new ConnectionSpec(new ConnectionRule.FixedProbability(epsilon), ValueSpec.Constant(J), ValueSpec.Constant(1.5));
        var wi = new ConnectionSpec(new ConnectionRule.FixedProbability(epsilon), ValueSpec.Constant(-g * J), ValueSpec.Constant(1.5));
        net.Connect(exc, exc, "v", we);
        net.Connect(exc, inh, "v", we);
        net.Connect(inh, exc, "v", wi);
        net.Connect(inh, inh, "v", wi);
        return net;
    }
}
