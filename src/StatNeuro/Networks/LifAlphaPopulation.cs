using System.Runtime.CompilerServices;
using StatNeuro.Numerics;

namespace StatNeuro.Networks;

/// <summary>
/// Leaky integrate-and-fire neurons with alpha-shaped current synapses (NEST's <c>iaf_psc_alpha</c>):
/// τ_m dv/dt = −(v − E_L) + I_e + I_i (unless refractory), where a spike of weight w at time t_s adds
/// w (e/τ_x) (t − t_s) e^{−(t − t_s)/τ_x} to I_x (peak w at t − t_s = τ_x, NEST's normalisation). Currents in mV (R·I),
/// as <see cref="LifExpPopulation"/>.
/// </summary>
/// <remarks>
/// <para>Each current is the second component of the linear system dz/dt = −z/τ, dI/dt = (e/τ) z − I/τ; a spike adds w
/// to z. Exact propagator over a step h (Rotter &amp; Diesmann, Biol. Cybern. 81:381, 1999), with u = v − E_L,
/// P = e^{−h/τ}, a = 1/τ_m − 1/τ:</para>
/// <para>z' = P z, I' = P (I + h (e/τ) z),
/// u' = u e^{−h/τ_m} + I τ/(τ − τ_m)(P − e^{−h/τ_m}) + z (e/τ)(1/τ_m) e^{−h/τ_m} [e^{ah}(ah − 1) + 1]/a²
/// (the last bracket is summed as a series for small |ah|; for a = 0 the factors are h/τ_m e^{−h/τ_m} and
/// h²/(2τ_m) e^{−h/τ_m}).</para>
/// <para>Receptors "e" and "i" (jumps onto z, never clamped) and "v" (a voltage jump, dropped while refractory).
/// During the refractory period v is held and the currents keep evolving.</para>
/// </remarks>
public sealed class LifAlphaPopulation : Population
{
    private static readonly string[] s_variables = ["v", "ie", "ii", "ze", "zi"];
    private double[] _v, _ie, _ii, _ze, _zi;
    private double _pm, _pe, _pi, _pIe, _pIi, _pZe, _pZi, _hEe, _hEi;

    /// <summary>Creates the population.</summary>
    /// <param name="name">Name.</param>
    /// <param name="size">Number of neurons.</param>
    public LifAlphaPopulation(string name, int size)
        : base(name, size, "e", "i", "v")
    {
        _v = new double[size];
        _ie = new double[size];
        _ii = new double[size];
        _ze = new double[size];
        _zi = new double[size];
    }

    /// <summary>Membrane time constant τ_m (ms).</summary>
    public double TauM { get; init; } = 20;

    /// <summary>Excitatory alpha time constant τ_e (ms; the current peaks τ_e after the spike).</summary>
    public double TauE { get; init; } = 5;

    /// <summary>Inhibitory alpha time constant τ_i (ms).</summary>
    public double TauI { get; init; } = 10;

    /// <summary>Resting (leak reversal) potential E_L (mV).</summary>
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

    /// <inheritdoc/>
    public override double CostPerNeuron => Drive is null ? 2 : 9;

    internal override double[] VariableArray(string name) => name switch
    {
        "v" => _v,
        "ie" => _ie,
        "ii" => _ii,
        "ze" => _ze,
        "zi" => _zi,
        _ => throw new ArgumentException($"{Name} has no variable '{name}'.", nameof(name)),
    };

    internal override double[]? DirectInput(int receptor) => receptor switch
    {
        0 => _ze,
        1 => _zi,
        _ => null,
    };

    /// <summary>The coupling of the auxiliary variable z (the one a spike jumps) to u = v − E_L over one step:
    /// (e/τ)(1/τ_m) e^{−h/τ_m} ∫_0^h s e^{a s} ds with a = 1/τ_m − 1/τ.</summary>
    /// <param name="h">Step (ms).</param>
    /// <param name="tauX">Alpha time constant (ms).</param>
    /// <param name="tauM">Membrane time constant (ms).</param>
    /// <returns>The coefficient.</returns>
    public static double AuxiliaryToVoltage(double h, double tauX, double tauM)
    {
        double a = 1 / tauM - 1 / tauX;
        double x = a * h;
        double integral; // ∫_0^h s e^{a s} ds = h² Σ_{k≥2} x^{k−2} (k − 1)/k!  =  [e^{x}(x − 1) + 1]/a²
        if (Math.Abs(x) < 0.5)
        {
            double sum = 0, power = 1, factorial = 2;
            for (int k = 2; k < 40; k++)
            {
                double term = power * (k - 1) / factorial;
                sum += term;
                if (Math.Abs(term) < 1e-18 * Math.Abs(sum))
                {
                    break;
                }

                power *= x;
                factorial *= k + 1;
            }

            integral = h * h * sum;
        }
        else
        {
            integral = (Math.Exp(x) * (x - 1) + 1) / (a * a);
        }

        return Math.E / tauX / tauM * Math.Exp(-h / tauM) * integral;
    }

    internal override void Initialize(RandomStreams streams, double dt)
    {
        _pm = Math.Exp(-dt / TauM);
        _pe = Math.Exp(-dt / TauE);
        _pi = Math.Exp(-dt / TauI);
        _pIe = LifExpPopulation.CurrentToVoltage(dt, TauE, TauM);
        _pIi = LifExpPopulation.CurrentToVoltage(dt, TauI, TauM);
        _pZe = AuxiliaryToVoltage(dt, TauE, TauM);
        _pZi = AuxiliaryToVoltage(dt, TauI, TauM);
        _hEe = dt * Math.E / TauE;
        _hEi = dt * Math.E / TauI;
        RefractorySteps = (int)Math.Round(RefractoryMs / dt);
        _v = new double[Size];
        _ie = new double[Size];
        _ii = new double[Size];
        _ze = new double[Size];
        _zi = new double[Size];
        for (int i = 0; i < Size; i++)
        {
            RandomGenerator rng = streams.For(StreamPurpose.InitialState, Offset + i);
            _v[i] = InitialV.Draw(ref rng);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override int Step(int lo, int hi, long step, Span<int> spikes)
    {
        double[] v = _v, ie = _ie, ii = _ii, ze = _ze, zi = _zi;
        double[] inE = Inputs[0], inI = Inputs[1], inV = Inputs[2];
        long[] last = LastSpike;
        int baseIndex = (int)((step - 1 + RingLength) % RingLength) * Size;
        int refr = RefractorySteps, dropWithin = Math.Max(RefractorySteps, 1);
        double pm = _pm, pe = _pe, pi = _pi, pIe = _pIe, pIi = _pIi, pZe = _pZe, pZi = _pZi, hEe = _hEe, hEi = _hEi;
        double el = RestPotential, vt = Threshold, vr = Reset;
        bool ringE = ReadsRing(0), ringI = ReadsRing(1), ringV = ReadsRing(2);
        int count = 0;
        for (int i = lo; i < hi; i++)
        {
            int k = baseIndex + i;
            double a = ze[i], b = zi[i];
            if (ringE)
            {
                a += inE[k];
                inE[k] = 0;
            }

            if (ringI)
            {
                b += inI[k];
                inI[k] = 0;
            }

            double e = ie[i], c = ii[i];
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
                x = el + (x - el) * pm + e * pIe + a * pZe + c * pIi + b * pZi;
                if (x > vt)
                {
                    x = vr;
                    last[i] = step;
                    spikes[count++] = i;
                }
            }

            v[i] = x;
            ie[i] = pe * (e + hEe * a);
            ii[i] = pi * (c + hEi * b);
            ze[i] = a * pe;
            zi[i] = b * pi;
        }

        return count;
    }
}
