using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using StatNeuro.Numerics;

namespace StatNeuro.Networks;

/// <summary>How the initial membrane potential of a population is drawn.</summary>
/// <param name="Low">Lower end (mV) of a uniform draw, or the mean of a normal draw.</param>
/// <param name="High">Upper end (mV) of a uniform draw, or the standard deviation of a normal draw.</param>
/// <param name="Normal">True for N(Low, High²), false for U(Low, High).</param>
public readonly record struct InitialValue(double Low, double High, bool Normal = false)
{
    /// <summary>A constant value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>U(value, value).</returns>
    public static InitialValue Constant(double value) => new(value, value);

    internal double Draw(ref RandomGenerator rng) =>
        Normal ? rng.NextNormal(Low, High) : (Low == High ? Low : rng.NextUniform(Low, High));
}

/// <summary>
/// Leaky integrate-and-fire neurons with delta synapses (voltage jumps), as in Brunel (2000):
/// τ dv/dt = −(v − E_L), v += J at each arriving spike, spike when v &gt; θ, then v = V_r and v is clamped for
/// the refractory period.
/// </summary>
/// <remarks>
/// Exact propagator: v(t + h) = E_L + (v(t) − E_L) e^{−h/τ}. One receptor, "v", whose jumps are dropped while the
/// target is refractory. Brunel, J. Comput. Neurosci. 8:183 (2000).
/// </remarks>
public sealed class LifDeltaPopulation : Population
{
    private static readonly string[] s_variables = ["v"];
    private double[] _v;
    private double _propagator;

    /// <summary>Creates the population.</summary>
    /// <param name="name">Name.</param>
    /// <param name="size">Number of neurons.</param>
    public LifDeltaPopulation(string name, int size)
        : base(name, size, "v")
    {
        _v = new double[size];
    }

    /// <summary>Membrane time constant τ (ms).</summary>
    public double TauM { get; init; } = 20;

    /// <summary>Resting potential E_L (mV).</summary>
    public double RestPotential { get; init; }

    /// <summary>Threshold θ (mV).</summary>
    public double Threshold { get; init; } = 20;

    /// <summary>Reset V_r (mV).</summary>
    public double Reset { get; init; } = 10;

    /// <summary>Refractory period (ms).</summary>
    public double RefractoryMs { get; init; } = 2;

    /// <summary>Initial membrane potential.</summary>
    public InitialValue InitialV { get; init; } = InitialValue.Constant(0);

    /// <inheritdoc/>
    public override IReadOnlyList<string> VariableNames => s_variables;

    internal override double[] VariableArray(string name) =>
        name == "v" ? _v : throw new ArgumentException($"{Name} has no variable '{name}'.", nameof(name));

    internal override void Initialize(RandomStreams streams, double dt)
    {
        _propagator = Math.Exp(-dt / TauM);
        RefractorySteps = (int)Math.Round(RefractoryMs / dt);
        _v = new double[Size];
        for (int i = 0; i < Size; i++)
        {
            RandomGenerator rng = streams.For(StreamPurpose.InitialState, Offset + i);
            _v[i] = InitialV.Draw(ref rng);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override int Step(int lo, int hi, long step, Span<int> spikes)
    {
        double[] v = _v;
        double[] input = Inputs[0];
        long[] last = LastSpike;
        int n = Size;
        int baseIndex = (int)((step - 1 + RingLength) % RingLength) * n;
        int refr = RefractorySteps, dropWithin = Math.Max(RefractorySteps, 1);
        double p = _propagator, el = RestPotential, vt = Threshold, vr = Reset;
        int count = 0;
        int i = lo;
        if (Vector512.IsHardwareAccelerated || System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            // Same arithmetic as the scalar loop below, eight neurons at a time; spikes are extracted from the mask.
            Vector512<long> vstep = Vector512.Create(step), vrefr = Vector512.Create((long)refr), vdrop = Vector512.Create((long)dropWithin);
            Vector512<double> vp = Vector512.Create(p), vel = Vector512.Create(el), vvt = Vector512.Create(vt), vvr = Vector512.Create(vr);
            for (; i + 8 <= hi; i += 8)
            {
                Vector512<double> x = Vector512.Create(v.AsSpan(i, 8));
                Vector512<long> s = Vector512.Create(last.AsSpan(i, 8));
                Span<double> slot = input.AsSpan(baseIndex + i, 8);
                Vector512<double> jump = Vector512.Create(slot);
                slot.Clear();
                Vector512<long> since = vstep - s;
                Vector512<double> accept = Vector512.GreaterThanOrEqual(since - Vector512<long>.One, vdrop).AsDouble();
                x += jump & accept;
                Vector512<double> active = Vector512.GreaterThanOrEqual(since, vrefr).AsDouble();
                Vector512<double> xn = Vector512.ConditionalSelect(active, vel + (x - vel) * vp, x);
                Vector512<double> spike = Vector512.GreaterThan(xn, vvt) & active;
                uint bits = (uint)spike.ExtractMostSignificantBits();
                Vector512.ConditionalSelect(spike, vvr, xn).CopyTo(v.AsSpan(i, 8));
                while (bits != 0)
                {
                    int b = BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    last[i + b] = step;
                    spikes[count++] = i + b;
                }
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            // Same arithmetic as the scalar loop below, four neurons at a time; spikes are extracted from the mask.
            Vector256<long> vstep = Vector256.Create(step), vrefr = Vector256.Create((long)refr), vdrop = Vector256.Create((long)dropWithin);
            Vector256<double> vp = Vector256.Create(p), vel = Vector256.Create(el), vvt = Vector256.Create(vt), vvr = Vector256.Create(vr);
            for (; i + 4 <= hi; i += 4)
            {
                Vector256<double> x = Vector256.Create(v.AsSpan(i, 4));
                Vector256<long> s = Vector256.Create(last.AsSpan(i, 4));
                Span<double> slot = input.AsSpan(baseIndex + i, 4);
                Vector256<double> jump = Vector256.Create(slot);
                slot.Clear();
                Vector256<long> since = vstep - s;
                Vector256<double> accept = Vector256.GreaterThanOrEqual(since - Vector256<long>.One, vdrop).AsDouble();
                x += jump & accept;
                Vector256<double> active = Vector256.GreaterThanOrEqual(since, vrefr).AsDouble();
                Vector256<double> xn = Vector256.ConditionalSelect(active, vel + (x - vel) * vp, x);
                Vector256<double> spike = Vector256.GreaterThan(xn, vvt) & active;
                uint bits = (uint)spike.ExtractMostSignificantBits();
                Vector256.ConditionalSelect(spike, vvr, xn).CopyTo(v.AsSpan(i, 4));
                while (bits != 0)
                {
                    int b = BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    last[i + b] = step;
                    spikes[count++] = i + b;
                }
            }
        }

        for (; i < hi; i++)
        {
            double x = v[i];
            long s = last[i];
            double jump = input[baseIndex + i];
            if (jump != 0)
            {
                input[baseIndex + i] = 0;
                if (step - 1 - s >= dropWithin)
                {
                    x += jump;
                }
            }

            if (step - s >= refr)
            {
                x = el + (x - el) * p;
                if (x > vt)
                {
                    x = vr;
                    last[i] = step;
                    spikes[count++] = i;
                }
            }

            v[i] = x;
        }

        return count;
    }
}

/// <summary>
/// Leaky integrate-and-fire neurons with exponential current synapses (NEST's <c>iaf_psc_exp</c>; the CUBA
/// benchmark): τ_m dv/dt = −(v − E_L) + I_e + I_i (unless refractory), τ_e dI_e/dt = −I_e, τ_i dI_i/dt = −I_i,
/// I_e += w at an excitatory spike (receptor "e"), I_i += w at an inhibitory one (receptor "i"). Currents are in mV
/// (R·I), as in Brian2's CUBA example.
/// </summary>
/// <remarks>
/// Exact propagator (Rotter &amp; Diesmann, Biol. Cybern. 81:381, 1999) over a step h:
/// v(t+h) = E_L + (v − E_L) e^{−h/τ_m} + Σ_x I_x τ_x/(τ_x − τ_m) (e^{−h/τ_x} − e^{−h/τ_m}), I_x(t+h) = I_x e^{−h/τ_x}
/// (for τ_x = τ_m the factor is (h/τ_m) e^{−h/τ_m}). During the refractory period v is held and the currents decay.
/// Receptor "v" adds a voltage jump (dropped while refractory).
/// </remarks>
public sealed class LifExpPopulation : Population
{
    private static readonly string[] s_variables = ["v", "ie", "ii"];
    private double[] _v, _ie, _ii;
    private double _pm, _pe, _pi, _pem, _pim;

    /// <summary>Creates the population.</summary>
    /// <param name="name">Name.</param>
    /// <param name="size">Number of neurons.</param>
    public LifExpPopulation(string name, int size)
        : base(name, size, "e", "i", "v")
    {
        _v = new double[size];
        _ie = new double[size];
        _ii = new double[size];
    }

    /// <summary>Membrane time constant τ_m (ms).</summary>
    public double TauM { get; init; } = 20;

    /// <summary>Excitatory synaptic time constant τ_e (ms).</summary>
    public double TauE { get; init; } = 5;

    /// <summary>Inhibitory synaptic time constant τ_i (ms).</summary>
    public double TauI { get; init; } = 10;

    /// <summary>Resting (leak reversal) potential E_L (mV); a constant drive is folded into it.</summary>
    public double RestPotential { get; init; } = -49;

    /// <summary>Threshold (mV).</summary>
    public double Threshold { get; init; } = -50;

    /// <summary>Reset (mV).</summary>
    public double Reset { get; init; } = -60;

    /// <summary>Refractory period (ms).</summary>
    public double RefractoryMs { get; init; } = 5;

    /// <summary>Initial membrane potential.</summary>
    public InitialValue InitialV { get; init; } = new(-60, -50);

    /// <inheritdoc/>
    public override IReadOnlyList<string> VariableNames => s_variables;

    internal override double[] VariableArray(string name) => name switch
    {
        "v" => _v,
        "ie" => _ie,
        "ii" => _ii,
        _ => throw new ArgumentException($"{Name} has no variable '{name}'.", nameof(name)),
    };

    internal override double[]? DirectInput(int receptor) => receptor switch
    {
        0 => _ie,
        1 => _ii,
        _ => null,
    };

    /// <summary>The coefficient τ_x/(τ_x − τ_m)(e^{−h/τ_x} − e^{−h/τ_m}) of the exact propagator.</summary>
    /// <param name="h">Step (ms).</param>
    /// <param name="tauX">Synaptic time constant (ms).</param>
    /// <param name="tauM">Membrane time constant (ms).</param>
    /// <returns>The coupling of a current to v over one step.</returns>
    public static double CurrentToVoltage(double h, double tauX, double tauM)
    {
        if (Math.Abs(tauX - tauM) < 1e-12 * tauM)
        {
            return h / tauM * Math.Exp(-h / tauM);
        }

        // e^{-h/τx} − e^{-h/τm} = e^{-h/τm} (e^{h(1/τm − 1/τx)} − 1), computed with expm1 for accuracy.
        double a = h * (1 / tauM - 1 / tauX);
        return tauX / (tauX - tauM) * Math.Exp(-h / tauM) * ExpM1(a);
    }

    private static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : Math.Exp(x) - 1;

    internal override void Initialize(RandomStreams streams, double dt)
    {
        _pm = Math.Exp(-dt / TauM);
        _pe = Math.Exp(-dt / TauE);
        _pi = Math.Exp(-dt / TauI);
        _pem = CurrentToVoltage(dt, TauE, TauM);
        _pim = CurrentToVoltage(dt, TauI, TauM);
        RefractorySteps = (int)Math.Round(RefractoryMs / dt);
        _v = new double[Size];
        _ie = new double[Size];
        _ii = new double[Size];
        for (int i = 0; i < Size; i++)
        {
            RandomGenerator rng = streams.For(StreamPurpose.InitialState, Offset + i);
            _v[i] = InitialV.Draw(ref rng);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override int Step(int lo, int hi, long step, Span<int> spikes)
    {
        double[] v = _v, ie = _ie, ii = _ii;
        double[] inE = Inputs[0], inI = Inputs[1], inV = Inputs[2];
        long[] last = LastSpike;
        int baseIndex = (int)((step - 1 + RingLength) % RingLength) * Size;
        int refr = RefractorySteps, dropWithin = Math.Max(RefractorySteps, 1);
        double pm = _pm, pe = _pe, pi = _pi, pem = _pem, pim = _pim, el = RestPotential, vt = Threshold, vr = Reset;
        bool ringE = ReadsRing(0), ringI = ReadsRing(1), ringV = ReadsRing(2);
        int count = 0;
        int i = lo;
        if ((Vector512.IsHardwareAccelerated || Avx512F.IsSupported) && !ringE && !ringI && !ringV)
        {
            // Same arithmetic as the scalar loop below, eight neurons at a time (no ring-buffer input: delays 0).
            // Used whenever AVX-512 exists (also where the runtime prefers 256-bit vectors by default): twice the work per
            // instruction. Loads and stores go through refs; lo <= i, i + 8 <= hi <= Size bound every access.
            Vector512<long> vstep = Vector512.Create(step), vrefr = Vector512.Create((long)refr);
            Vector512<double> vpm = Vector512.Create(pm), vpe = Vector512.Create(pe), vpi = Vector512.Create(pi), vpem = Vector512.Create(pem), vpim = Vector512.Create(pim);
            Vector512<double> vel = Vector512.Create(el), vvt = Vector512.Create(vt), vvr = Vector512.Create(vr);
            ref double rv = ref MemoryMarshal.GetArrayDataReference(v);
            ref double re = ref MemoryMarshal.GetArrayDataReference(ie);
            ref double rc = ref MemoryMarshal.GetArrayDataReference(ii);
            ref long rl = ref MemoryMarshal.GetArrayDataReference(last);
            for (; i + 8 <= hi; i += 8)
            {
                nuint at = (nuint)i;
                Vector512<double> x = Vector512.LoadUnsafe(ref rv, at);
                Vector512<double> e = Vector512.LoadUnsafe(ref re, at);
                Vector512<double> c = Vector512.LoadUnsafe(ref rc, at);
                Vector512<long> s = Vector512.LoadUnsafe(ref rl, at);
                Vector512<double> active = Vector512.GreaterThanOrEqual(vstep - s, vrefr).AsDouble();
                Vector512<double> xn = Vector512.ConditionalSelect(active, vel + (x - vel) * vpm + e * vpem + c * vpim, x);
                Vector512<double> spike = Vector512.GreaterThan(xn, vvt) & active;
                Vector512.ConditionalSelect(spike, vvr, xn).StoreUnsafe(ref rv, at);
                (e * vpe).StoreUnsafe(ref re, at);
                (c * vpi).StoreUnsafe(ref rc, at);
                if (spike != Vector512<double>.Zero)
                {
                    uint bits = (uint)spike.ExtractMostSignificantBits();
                    while (bits != 0)
                    {
                        int b = BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                        last[i + b] = step;
                        spikes[count++] = i + b;
                    }
                }
            }
        }

        if (Vector256.IsHardwareAccelerated && !ringE && !ringI && !ringV)
        {
            // Same arithmetic as the scalar loop below, four neurons at a time (no ring-buffer input: delays 0).
            Vector256<long> vstep = Vector256.Create(step), vrefr = Vector256.Create((long)refr);
            Vector256<double> vpm = Vector256.Create(pm), vpe = Vector256.Create(pe), vpi = Vector256.Create(pi), vpem = Vector256.Create(pem), vpim = Vector256.Create(pim);
            Vector256<double> vel = Vector256.Create(el), vvt = Vector256.Create(vt), vvr = Vector256.Create(vr);
            ref double rv = ref MemoryMarshal.GetArrayDataReference(v);
            ref double re = ref MemoryMarshal.GetArrayDataReference(ie);
            ref double rc = ref MemoryMarshal.GetArrayDataReference(ii);
            ref long rl = ref MemoryMarshal.GetArrayDataReference(last);
            for (; i + 4 <= hi; i += 4)
            {
                nuint at = (nuint)i;
                Vector256<double> x = Vector256.LoadUnsafe(ref rv, at);
                Vector256<double> e = Vector256.LoadUnsafe(ref re, at);
                Vector256<double> c = Vector256.LoadUnsafe(ref rc, at);
                Vector256<long> s = Vector256.LoadUnsafe(ref rl, at);
                Vector256<double> active = Vector256.GreaterThanOrEqual(vstep - s, vrefr).AsDouble();
                Vector256<double> xn = Vector256.ConditionalSelect(active, vel + (x - vel) * vpm + e * vpem + c * vpim, x);
                Vector256<double> spike = Vector256.GreaterThan(xn, vvt) & active;
                Vector256.ConditionalSelect(spike, vvr, xn).StoreUnsafe(ref rv, at);
                (e * vpe).StoreUnsafe(ref re, at);
                (c * vpi).StoreUnsafe(ref rc, at);
                if (spike != Vector256<double>.Zero)
                {
                    uint bits = (uint)spike.ExtractMostSignificantBits();
                    while (bits != 0)
                    {
                        int b = BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                        last[i + b] = step;
                        spikes[count++] = i + b;
                    }
                }
            }
        }

        for (; i < hi; i++)
        {
            int k = baseIndex + i;
            double e = ie[i];
            double c = ii[i];
            if (ringE)
            {
                e += inE[k];
                inE[k] = 0;
            }

            if (ringI)
            {
                c += inI[k];
                inI[k] = 0;
            }

            double x = v[i];
            long s = last[i];
            if (ringV)
            {
                double jump = inV[k];
                if (jump != 0)
                {
                    inV[k] = 0;
                    if (step - 1 - s >= dropWithin)
                    {
                        x += jump;
                    }
                }
            }

            if (step - s >= refr)
            {
                x = el + (x - el) * pm + e * pem + c * pim;
                if (x > vt)
                {
                    x = vr;
                    last[i] = step;
                    spikes[count++] = i;
                }
            }

            v[i] = x;
            ie[i] = e * pe;
            ii[i] = c * pi;
        }

        return count;
    }
}
