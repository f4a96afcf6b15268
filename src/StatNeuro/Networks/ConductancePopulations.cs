using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StatNeuro.Numerics;

namespace StatNeuro.Networks;

/// <summary>
/// Single-compartment Hodgkin–Huxley neurons of Traub–Miles type with exponential conductance synapses — the COBAHH
/// benchmark (Brette et al., J. Comput. Neurosci. 23:349, 2007, benchmark 3; parameters as Brian2's COBAHH example).
/// Units: mV, ms, nS, pF (so nS·mV/pF = mV/ms).
/// </summary>
/// <remarks>
/// C dv/dt = g_L(E_L − v) + g_e(E_e − v) + g_i(E_i − v) − g_Na m³h (v − E_Na) − g_K n⁴ (v − E_K);
/// dx/dt = α_x(u)(1 − x) − β_x(u) x for x = m, h, n with u = v − V_T and (per ms)
/// α_m = 0.32(13 − u)/(e^{(13−u)/4} − 1), β_m = 0.28(u − 40)/(e^{(u−40)/5} − 1), α_h = 0.128 e^{(17−u)/18},
/// β_h = 4/(1 + e^{(40−u)/5}), α_n = 0.032(15 − u)/(e^{(15−u)/5} − 1), β_n = 0.5 e^{(10−u)/40};
/// τ_e dg_e/dt = −g_e, τ_i dg_i/dt = −g_i. Integrated by the exponential Euler method exactly as Brian2 does it:
/// every equation is linearised in its own variable at the state of the step start, x' = A x + B, and
/// x(t+h) = −B/A + (x + B/A) e^{A h}. A spike is a crossing of −20 mV outside the refractory period (which only
/// blocks re-detection; there is no reset). The kernel is vectorised with 256-bit SIMD where the CPU has it.
/// </remarks>
public sealed class HhPopulation : Population
{
    private static readonly string[] s_variables = ["v", "m", "h", "n", "ge", "gi"];
    private double[] _v, _m, _h, _n, _ge, _gi;
    private double _dt, _pe, _pi;

    /// <summary>Creates the population.</summary>
    /// <param name="name">Name.</param>
    /// <param name="size">Number of neurons.</param>
    public HhPopulation(string name, int size)
        : base(name, size, "e", "i")
    {
        _v = _m = _h = _n = _ge = _gi = new double[size];
    }

    /// <summary>Membrane capacitance (pF); 200 pF = 1 µF/cm² × 20 000 µm².</summary>
    public double Capacitance { get; init; } = 200;

    /// <summary>Leak conductance (nS).</summary>
    public double LeakConductance { get; init; } = 10;

    /// <summary>Leak reversal (mV).</summary>
    public double LeakReversal { get; init; } = -60;

    /// <summary>Sodium conductance (nS).</summary>
    public double SodiumConductance { get; init; } = 20_000;

    /// <summary>Potassium conductance (nS).</summary>
    public double PotassiumConductance { get; init; } = 6_000;

    /// <summary>Sodium reversal (mV).</summary>
    public double SodiumReversal { get; init; } = 50;

    /// <summary>Potassium reversal (mV).</summary>
    public double PotassiumReversal { get; init; } = -90;

    /// <summary>V_T of the rate functions (mV).</summary>
    public double VT { get; init; } = -63;

    /// <summary>Excitatory reversal (mV).</summary>
    public double ExcitatoryReversal { get; init; }

    /// <summary>Inhibitory reversal (mV).</summary>
    public double InhibitoryReversal { get; init; } = -80;

    /// <summary>Excitatory conductance time constant (ms).</summary>
    public double TauE { get; init; } = 5;

    /// <summary>Inhibitory conductance time constant (ms).</summary>
    public double TauI { get; init; } = 10;

    /// <summary>Spike detection threshold (mV).</summary>
    public double Threshold { get; init; } = -20;

    /// <summary>Refractory period (ms; blocks re-detection only).</summary>
    public double RefractoryMs { get; init; } = 3;

    /// <summary>Initial v (mV); Brian2's example: E_L + 5 randn − 5.</summary>
    public InitialValue InitialV { get; init; } = new(-65, 5, Normal: true);

    /// <summary>Initial g_e (nS); Brian2's example: (1.5 randn + 4) × 10 nS.</summary>
    public InitialValue InitialGe { get; init; } = new(40, 15, Normal: true);

    /// <summary>Initial g_i (nS); Brian2's example: (12 randn + 20) × 10 nS.</summary>
    public InitialValue InitialGi { get; init; } = new(200, 120, Normal: true);

    /// <inheritdoc/>
    public override IReadOnlyList<string> VariableNames => s_variables;

    internal override double[] VariableArray(string name) => name switch
    {
        "v" => _v,
        "m" => _m,
        "h" => _h,
        "n" => _n,
        "ge" => _ge,
        "gi" => _gi,
        _ => throw new ArgumentException($"{Name} has no variable '{name}'.", nameof(name)),
    };

    /// <inheritdoc/>
    public override double CostPerNeuron => 30;

    internal override double[]? DirectInput(int receptor) => receptor == 0 ? _ge : _gi;

    internal override void Initialize(RandomStreams streams, double dt)
    {
        _dt = dt;
        _pe = Math.Exp(-dt / TauE);
        _pi = Math.Exp(-dt / TauI);
        RefractorySteps = (int)Math.Round(RefractoryMs / dt);
        _v = new double[Size];
        _m = new double[Size];
        _h = new double[Size];
        _n = new double[Size];
        _ge = new double[Size];
        _gi = new double[Size];
        for (int i = 0; i < Size; i++)
        {
            RandomGenerator rng = streams.For(StreamPurpose.InitialState, Offset + i);
            _v[i] = InitialV.Draw(ref rng);
            _ge[i] = InitialGe.Draw(ref rng);
            _gi[i] = InitialGi.Draw(ref rng);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override int Step(int lo, int hi, long step, Span<int> spikes)
    {
        int baseIndex = (int)((step - 1 + RingLength) % RingLength) * Size;
        double[] inE = Inputs[0], inI = Inputs[1];
        if (ReadsRing(0) || ReadsRing(1))
        {
            for (int k = lo; k < hi; k++)
            {
                _ge[k] += inE[baseIndex + k];
                _gi[k] += inI[baseIndex + k];
                inE[baseIndex + k] = 0;
                inI[baseIndex + k] = 0;
            }
        }

        int i = lo;
        if (Vector512.IsHardwareAccelerated || System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            for (; i + 8 <= hi; i += 8)
            {
                UpdateVector512(i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= hi; i += 4)
            {
                UpdateVector(i);
            }
        }

        for (; i < hi; i++)
        {
            UpdateScalar(i);
        }

        int count = 0;
        double[] v = _v;
        long[] last = LastSpike;
        double vt = Threshold;
        int refr = RefractorySteps;
        for (int k = lo; k < hi; k++)
        {
            if (v[k] > vt && step - last[k] >= refr)
            {
                last[k] = step;
                spikes[count++] = k;
            }
        }

        return count;
    }

    private void UpdateScalar(int i)
    {
        double ge = _ge[i];
        double gi = _gi[i];
        double v = _v[i], m = _m[i], h = _h[i], n = _n[i], dt = _dt;
        double u = v - VT;
        double am = 0.32 * (13 - u) / (Math.Exp((13 - u) / 4) - 1);
        double bm = 0.28 * (u - 40) / (Math.Exp((u - 40) / 5) - 1);
        double ah = 0.128 * Math.Exp((17 - u) / 18);
        double bh = 4 / (1 + Math.Exp((40 - u) / 5));
        double an = 0.032 * (15 - u) / (Math.Exp((15 - u) / 5) - 1);
        double bn = 0.5 * Math.Exp((10 - u) / 40);
        double gna = SodiumConductance * m * m * m * h;
        double n2 = n * n;
        double gk = PotassiumConductance * n2 * n2;
        double gsum = LeakConductance + ge + gi + gna + gk;
        double vinf = (LeakConductance * LeakReversal + ge * ExcitatoryReversal + gi * InhibitoryReversal + gna * SodiumReversal + gk * PotassiumReversal) / gsum;
        _v[i] = vinf + (v - vinf) * Math.Exp(-gsum / Capacitance * dt);
        double sm = am + bm, sh = ah + bh, sn = an + bn;
        _m[i] = am / sm + (m - am / sm) * Math.Exp(-sm * dt);
        _h[i] = ah / sh + (h - ah / sh) * Math.Exp(-sh * dt);
        _n[i] = an / sn + (n - an / sn) * Math.Exp(-sn * dt);
        _ge[i] = ge * _pe;
        _gi[i] = gi * _pi;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateVector(int i)
    {
        Vector256<double> ge = Vector256.Create(_ge.AsSpan(i, 4));
        Vector256<double> gi = Vector256.Create(_gi.AsSpan(i, 4));
        Vector256<double> v = Vector256.Create(_v.AsSpan(i, 4));
        Vector256<double> m = Vector256.Create(_m.AsSpan(i, 4));
        Vector256<double> h = Vector256.Create(_h.AsSpan(i, 4));
        Vector256<double> n = Vector256.Create(_n.AsSpan(i, 4));
        Vector256<double> one = Vector256<double>.One;
        Vector256<double> dt = Vector256.Create(_dt);
        Vector256<double> u = v - Vector256.Create(VT);
        Vector256<double> a13 = Vector256.Create(13.0) - u;
        Vector256<double> am = Vector256.Create(0.32) * a13 / (Vector256.Exp(a13 * 0.25) - one);
        Vector256<double> b40 = u - Vector256.Create(40.0);
        Vector256<double> bm = Vector256.Create(0.28) * b40 / (Vector256.Exp(b40 / 5) - one);
        Vector256<double> ah = Vector256.Create(0.128) * Vector256.Exp((Vector256.Create(17.0) - u) / 18);
        Vector256<double> bh = Vector256.Create(4.0) / (one + Vector256.Exp(-b40 / 5));
        Vector256<double> a15 = Vector256.Create(15.0) - u;
        Vector256<double> an = Vector256.Create(0.032) * a15 / (Vector256.Exp(a15 / 5) - one);
        Vector256<double> bn = Vector256.Create(0.5) * Vector256.Exp((Vector256.Create(10.0) - u) / 40);
        Vector256<double> gna = Vector256.Create(SodiumConductance) * m * m * m * h;
        Vector256<double> n2 = n * n;
        Vector256<double> gk = Vector256.Create(PotassiumConductance) * n2 * n2;
        Vector256<double> gl = Vector256.Create(LeakConductance);
        Vector256<double> gsum = gl + ge + gi + gna + gk;
        Vector256<double> num = gl * LeakReversal + ge * ExcitatoryReversal + gi * InhibitoryReversal + gna * SodiumReversal + gk * PotassiumReversal;
        Vector256<double> vinf = num / gsum;
        (vinf + (v - vinf) * Vector256.Exp(-gsum / Capacitance * dt)).CopyTo(_v.AsSpan(i, 4));
        Vector256<double> sm = am + bm, sh = ah + bh, sn = an + bn;
        Vector256<double> minf = am / sm, hinf = ah / sh, ninf = an / sn;
        (minf + (m - minf) * Vector256.Exp(-sm * dt)).CopyTo(_m.AsSpan(i, 4));
        (hinf + (h - hinf) * Vector256.Exp(-sh * dt)).CopyTo(_h.AsSpan(i, 4));
        (ninf + (n - ninf) * Vector256.Exp(-sn * dt)).CopyTo(_n.AsSpan(i, 4));
        (ge * _pe).CopyTo(_ge.AsSpan(i, 4));
        (gi * _pi).CopyTo(_gi.AsSpan(i, 4));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateVector512(int i)
    {
        Vector512<double> ge = Vector512.Create(_ge.AsSpan(i, 8));
        Vector512<double> gi = Vector512.Create(_gi.AsSpan(i, 8));
        Vector512<double> v = Vector512.Create(_v.AsSpan(i, 8));
        Vector512<double> m = Vector512.Create(_m.AsSpan(i, 8));
        Vector512<double> h = Vector512.Create(_h.AsSpan(i, 8));
        Vector512<double> n = Vector512.Create(_n.AsSpan(i, 8));
        Vector512<double> one = Vector512<double>.One;
        Vector512<double> dt = Vector512.Create(_dt);
        Vector512<double> u = v - Vector512.Create(VT);
        Vector512<double> a13 = Vector512.Create(13.0) - u;
        Vector512<double> am = Vector512.Create(0.32) * a13 / (Vector512.Exp(a13 * 0.25) - one);
        Vector512<double> b40 = u - Vector512.Create(40.0);
        Vector512<double> bm = Vector512.Create(0.28) * b40 / (Vector512.Exp(b40 / 5) - one);
        Vector512<double> ah = Vector512.Create(0.128) * Vector512.Exp((Vector512.Create(17.0) - u) / 18);
        Vector512<double> bh = Vector512.Create(4.0) / (one + Vector512.Exp(-b40 / 5));
        Vector512<double> a15 = Vector512.Create(15.0) - u;
        Vector512<double> an = Vector512.Create(0.032) * a15 / (Vector512.Exp(a15 / 5) - one);
        Vector512<double> bn = Vector512.Create(0.5) * Vector512.Exp((Vector512.Create(10.0) - u) / 40);
        Vector512<double> gna = Vector512.Create(SodiumConductance) * m * m * m * h;
        Vector512<double> n2 = n * n;
        Vector512<double> gk = Vector512.Create(PotassiumConductance) * n2 * n2;
        Vector512<double> gl = Vector512.Create(LeakConductance);
        Vector512<double> gsum = gl + ge + gi + gna + gk;
        Vector512<double> num = gl * LeakReversal + ge * ExcitatoryReversal + gi * InhibitoryReversal + gna * SodiumReversal + gk * PotassiumReversal;
        Vector512<double> vinf = num / gsum;
        (vinf + (v - vinf) * Vector512.Exp(-gsum / Capacitance * dt)).CopyTo(_v.AsSpan(i, 8));
        Vector512<double> sm = am + bm, sh = ah + bh, sn = an + bn;
        Vector512<double> minf = am / sm, hinf = ah / sh, ninf = an / sn;
        (minf + (m - minf) * Vector512.Exp(-sm * dt)).CopyTo(_m.AsSpan(i, 8));
        (hinf + (h - hinf) * Vector512.Exp(-sh * dt)).CopyTo(_h.AsSpan(i, 8));
        (ninf + (n - ninf) * Vector512.Exp(-sn * dt)).CopyTo(_n.AsSpan(i, 8));
        (ge * _pe).CopyTo(_ge.AsSpan(i, 8));
        (gi * _pi).CopyTo(_gi.AsSpan(i, 8));
    }
}

/// <summary>
/// Leaky integrate-and-fire neurons with exponential conductance synapses — the COBA benchmark (Brette et al. 2007,
/// benchmark 1): C dv/dt = g_L(E_L − v) + g_e(E_e − v) + g_i(E_i − v) (unless refractory), τ_e dg_e/dt = −g_e,
/// τ_i dg_i/dt = −g_i, g_x += w at a spike. Units mV, ms, nS, pF.
/// </summary>
/// <remarks>
/// Exponential Euler (v linearised at the step start: v(t+h) = v∞ + (v − v∞) e^{−g_tot h / C}, with the conductances
/// of the step start) and exact decay of the conductances. The benchmark's reference script used forward Euler at
/// h = 0.1 ms; exponential Euler has the same order and never overshoots the reversal potentials.
/// </remarks>
public sealed class CobaLifPopulation : Population
{
    private static readonly string[] s_variables = ["v", "ge", "gi"];
    private double[] _v, _ge, _gi;
    private double _dt, _pe, _pi;

    /// <summary>Creates the population.</summary>
    /// <param name="name">Name.</param>
    /// <param name="size">Number of neurons.</param>
    public CobaLifPopulation(string name, int size)
        : base(name, size, "e", "i")
    {
        _v = _ge = _gi = new double[size];
    }

    /// <summary>Capacitance (pF).</summary>
    public double Capacitance { get; init; } = 200;

    /// <summary>Leak conductance (nS).</summary>
    public double LeakConductance { get; init; } = 10;

    /// <summary>Leak reversal (mV).</summary>
    public double LeakReversal { get; init; } = -60;

    /// <summary>Excitatory reversal (mV).</summary>
    public double ExcitatoryReversal { get; init; }

    /// <summary>Inhibitory reversal (mV).</summary>
    public double InhibitoryReversal { get; init; } = -80;

    /// <summary>Excitatory time constant (ms).</summary>
    public double TauE { get; init; } = 5;

    /// <summary>Inhibitory time constant (ms).</summary>
    public double TauI { get; init; } = 10;

    /// <summary>Threshold (mV).</summary>
    public double Threshold { get; init; } = -50;

    /// <summary>Reset (mV).</summary>
    public double Reset { get; init; } = -60;

    /// <summary>Refractory period (ms).</summary>
    public double RefractoryMs { get; init; } = 5;

    /// <summary>Initial v (mV).</summary>
    public InitialValue InitialV { get; init; } = new(-65, 5, Normal: true);

    /// <summary>Initial g_e (nS).</summary>
    public InitialValue InitialGe { get; init; } = new(40, 15, Normal: true);

    /// <summary>Initial g_i (nS).</summary>
    public InitialValue InitialGi { get; init; } = new(200, 120, Normal: true);

    /// <inheritdoc/>
    public override IReadOnlyList<string> VariableNames => s_variables;

    internal override double[] VariableArray(string name) => name switch
    {
        "v" => _v,
        "ge" => _ge,
        "gi" => _gi,
        _ => throw new ArgumentException($"{Name} has no variable '{name}'.", nameof(name)),
    };

    internal override double[]? DirectInput(int receptor) => receptor == 0 ? _ge : _gi;

    internal override void Initialize(RandomStreams streams, double dt)
    {
        _dt = dt;
        _pe = Math.Exp(-dt / TauE);
        _pi = Math.Exp(-dt / TauI);
        RefractorySteps = (int)Math.Round(RefractoryMs / dt);
        _v = new double[Size];
        _ge = new double[Size];
        _gi = new double[Size];
        for (int i = 0; i < Size; i++)
        {
            RandomGenerator rng = streams.For(StreamPurpose.InitialState, Offset + i);
            _v[i] = InitialV.Draw(ref rng);
            _ge[i] = Math.Max(0, InitialGe.Draw(ref rng));
            _gi[i] = Math.Max(0, InitialGi.Draw(ref rng));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override int Step(int lo, int hi, long step, Span<int> spikes)
    {
        int baseIndex = (int)((step - 1 + RingLength) % RingLength) * Size;
        double[] inE = Inputs[0], inI = Inputs[1];
        double[] vv = _v, gev = _ge, giv = _gi;
        long[] last = LastSpike;
        int refr = RefractorySteps;
        double gl = LeakConductance, c = Capacitance, dt = _dt;
        bool ring = ReadsRing(0) || ReadsRing(1);
        int count = 0;
        for (int i = lo; i < hi; i++)
        {
            int k = baseIndex + i;
            double ge = gev[i];
            double gi = giv[i];
            if (ring)
            {
                ge += inE[k];
                gi += inI[k];
                inE[k] = 0;
                inI[k] = 0;
            }

            long s = last[i];
            if (step - s >= refr)
            {
                double gsum = gl + ge + gi;
                double vinf = (gl * LeakReversal + ge * ExcitatoryReversal + gi * InhibitoryReversal) / gsum;
                double x = vinf + (vv[i] - vinf) * Math.Exp(-gsum / c * dt);
                if (x > Threshold)
                {
                    x = Reset;
                    last[i] = step;
                    spikes[count++] = i;
                }

                vv[i] = x;
            }

            gev[i] = ge * _pe;
            giv[i] = gi * _pi;
        }

        return count;
    }
}
