namespace StatNeuro.RateNetworks;

/// <summary>Single-unit transfer function φ of a rate network dx/dt = −x + J φ(x).</summary>
public enum RateActivation
{
    /// <summary>φ(x) = tanh x (Sompolinsky, Crisanti &amp; Sommers 1988).</summary>
    Tanh = 0,

    /// <summary>φ(x) = max(x, 0).</summary>
    Relu = 1,

    /// <summary>φ(x) = erf(√π x / 2): odd, sigmoidal, slope 1 at 0 like tanh.</summary>
    Erf = 2,

    /// <summary>φ(x) = x.</summary>
    Linear = 3,
}

/// <summary>Values, derivatives and primitives of the transfer functions.</summary>
/// <remarks>
/// The primitive Φ (Φ' = φ, Φ(0) = 0) enters the Sompolinsky–Crisanti–Sommers energy condition
/// Δ0²/2 = D²/2 + g² (⟨Φ²⟩ − ⟨Φ⟩²) (SCS 1988; Schuecker, Goedeke &amp; Helias, PRX 8, 041029, 2018).
/// For tanh, Φ = ln cosh; for ReLU Φ = max(x,0)²/2; for erf(a x), a = √π/2,
/// Φ = x erf(a x) + (exp(−a²x²) − 1)/(a√π); for the linear map Φ = x²/2.
/// </remarks>
public static class RateActivations
{
    private const double ErfScale = 0.88622692545275801365; // sqrt(pi)/2

    /// <summary>Parses a name (tanh, relu, erf, linear), case-insensitively.</summary>
    /// <param name="name">The name.</param>
    /// <param name="activation">The parsed activation.</param>
    /// <returns>True when the name is known.</returns>
    public static bool TryParse(string name, out RateActivation activation)
    {
        switch (name?.Trim().ToUpperInvariant())
        {
            case "TANH":
                activation = RateActivation.Tanh;
                return true;
            case "RELU":
                activation = RateActivation.Relu;
                return true;
            case "ERF":
                activation = RateActivation.Erf;
                return true;
            case "LINEAR":
                activation = RateActivation.Linear;
                return true;
            default:
                activation = RateActivation.Tanh;
                return false;
        }
    }

    /// <summary>φ(x).</summary>
    /// <param name="activation">Which φ.</param>
    /// <param name="x">Argument.</param>
    /// <returns>φ(x).</returns>
    public static double Phi(RateActivation activation, double x) => activation switch
    {
        RateActivation.Tanh => Math.Tanh(x),
        RateActivation.Relu => x > 0 ? x : 0.0,
        RateActivation.Erf => Erf(ErfScale * x),
        _ => x,
    };

    /// <summary>φ'(x).</summary>
    /// <param name="activation">Which φ.</param>
    /// <param name="x">Argument.</param>
    /// <returns>φ'(x).</returns>
    public static double Derivative(RateActivation activation, double x)
    {
        switch (activation)
        {
            case RateActivation.Tanh:
                double t = Math.Tanh(x);
                return 1 - t * t;
            case RateActivation.Relu:
                return x > 0 ? 1.0 : 0.0;
            case RateActivation.Erf:
                return Math.Exp(-ErfScale * ErfScale * x * x);
            default:
                return 1.0;
        }
    }

    /// <summary>The primitive Φ(x) = ∫₀ˣ φ.</summary>
    /// <param name="activation">Which φ.</param>
    /// <param name="x">Argument.</param>
    /// <returns>Φ(x).</returns>
    public static double Primitive(RateActivation activation, double x)
    {
        switch (activation)
        {
            case RateActivation.Tanh:
                double a = Math.Abs(x);
                return a + Math.Log(1 + Math.Exp(-2 * a)) - Math.Log(2.0);
            case RateActivation.Relu:
                return x > 0 ? 0.5 * x * x : 0.0;
            case RateActivation.Erf:
                double ax = ErfScale * x;
                return x * Erf(ax) + (Math.Exp(-ax * ax) - 1) / (ErfScale * Math.Sqrt(Math.PI));
            default:
                return 0.5 * x * x;
        }
    }

    /// <summary>Applies φ and φ' elementwise.</summary>
    /// <param name="activation">Which φ.</param>
    /// <param name="x">Arguments.</param>
    /// <param name="phi">Receives φ(x).</param>
    /// <param name="derivative">Receives φ'(x); may be empty to skip it.</param>
    public static void Apply(RateActivation activation, ReadOnlySpan<double> x, Span<double> phi, Span<double> derivative)
    {
        if (activation == RateActivation.Tanh)
        {
            System.Numerics.Tensors.TensorPrimitives.Tanh(x, phi);
            if (!derivative.IsEmpty)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    derivative[i] = 1 - phi[i] * phi[i];
                }
            }

            return;
        }

        for (int i = 0; i < x.Length; i++)
        {
            phi[i] = Phi(activation, x[i]);
        }

        if (!derivative.IsEmpty)
        {
            for (int i = 0; i < x.Length; i++)
            {
                derivative[i] = Derivative(activation, x[i]);
            }
        }
    }

    /// <summary>The error function, |relative error| &lt; 1.2e-16 on the real line.</summary>
    /// <param name="x">Argument.</param>
    /// <returns>erf(x).</returns>
    /// <remarks>Maclaurin series for |x| &lt; 2.5, Lentz continued fraction for erfc beyond (Abramowitz &amp; Stegun 7.1.5, 7.1.14).</remarks>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        if (a < 2.5)
        {
            // erf x = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
            double term = a, sum = a, x2 = a * a;
            for (int n = 1; n < 200; n++)
            {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
                {
                    break;
                }
            }

            double r = 2 / Math.Sqrt(Math.PI) * sum;
            return x < 0 ? -r : r;
        }

        // erfc a = exp(-a^2)/sqrt(pi) * 1/(a + 1/2/(a + 1/(a + 3/2/(a + ...)))) evaluated by modified Lentz.
        double tiny = 1e-300;
        double f = a, c = a, d = 0;
        for (int k = 1; k < 500; k++)
        {
            double ak = 0.5 * k;
            d = a + ak * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = a + ak / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        double erfc = Math.Exp(-a * a) / Math.Sqrt(Math.PI) / f;
        double res = 1 - erfc;
        return x < 0 ? -res : res;
    }
}
