using StatNeuro.Numerics;

namespace StatNeuro.Tests.Numerics;

public class ErrorFunctionsTests
{
    // x, erfcx(x), Dawson(x): mpmath 1.3.0 at 40 digits (exp(x^2)*erfc(x) and sqrt(pi)/2*exp(-x^2)*erfi(x)).
    public static TheoryData<double, double, double> Published => new()
    {
        { -5.0, 144009798674.66104041, -0.10213407442427683544 },
        { -2.0, 108.94090438997797241, -0.30134038892379196603 },
        { -1.0, 5.0089800807622834663, -0.53807950691276841914 },
        { -0.5, 1.9523604891825570933, -0.42443638350202229593 },
        { -0.1, 1.1236433541992094807, -0.099335992397852866591 },
        { 0.0, 1.0, 0.0 },
        { 0.001, 0.9988726200811514086, 0.00099999933333360002074 },
        { 0.1, 0.89645697996912663666, 0.099335992397852866591 },
        { 0.19, 0.8171324929293523269, 0.18549268702269874939 },
        { 0.21, 0.80103616550403047233, 0.20393355044308953452 },
        { 0.3, 0.73459933456765514992, 0.28263166502131191946 },
        { 0.5, 0.61569034419292587487, 0.42443638350202229593 },
        { 0.9, 0.45653165132311703252, 0.54072431872629867566 },
        { 1.0, 0.42758357615580700441, 0.53807950691276841914 },
        { 1.5, 0.32158541645431750235, 0.42824907108539862548 },
        { 2.0, 0.25539567631050574387, 0.30134038892379196603 },
        { 3.0, 0.17900115118138995042, 0.17827103061055828734 },
        { 4.0, 0.13699945762506138989, 0.12934800123600511559 },
        { 5.0, 0.11070463773306862637, 0.10213407442427683544 },
        { 7.0, 0.07980005432915293349, 0.072180974658236292028 },
        { 10.0, 0.056140992743822585858, 0.050253847187598528033 },
        { 20.0, 0.028174348741051319319, 0.025031367926403671947 },
        { 30.0, 0.018795888861416751497, 0.016675941401059175798 },
        { 49.0, 0.011511676863882963051, 0.010206207926525387588 },
        { 51.0, 0.011060415485327720154, 0.0098058073012195972657 },
        { 100.0, 0.0056416137829894329036, 0.0050002500375093782827 },
        { 1000.0, 0.0005641893014533876542, 0.00050000025000037500094 },
        { 100000.0, 5.6418958351954680777e-6, 5.00000000025e-6 },
        { 100000000.0, 5.6418958354775625874e-9, 5.00000000000000025e-9 },
    };

    [Theory]
    [MemberData(nameof(Published))]
    public void Erfcx_AndDawson_MatchMpmath(double x, double erfcx, double dawson)
    {
        // ~10 ulps: the Chebyshev coefficients carry the rounding of the cosines in their transform, which adds up to
        // ~1e-15 at the ends of a piece (measured max 1.1e-15); for x < 0 also the rounding of e^(x^2) (x^2 eps).
        double tolerance = 2e-15 * (1 + (x < 0 ? x * x : 0));
        Assert.True(Math.Abs(ErrorFunctions.Erfcx(x) / erfcx - 1) <= tolerance, $"erfcx({x}) = {ErrorFunctions.Erfcx(x):R}");
        if (dawson == 0)
        {
            Assert.Equal(0.0, ErrorFunctions.Dawson(x));
        }
        else
        {
            Assert.True(Math.Abs(ErrorFunctions.Dawson(x) / dawson - 1) <= 2e-15, $"D({x}) = {ErrorFunctions.Dawson(x):R}");
        }
    }

    [Fact]
    public void Erfcx_DenseGrid_MatchesBoostErfcTimesExactExponential()
    {
        // Independent reference: MathNet's erfc (Boost's rational approximations) times e^(x^2) with x^2 split exactly
        // by FMA; both ~1 ulp, so 8 ulps covers the sum (x <= 6; beyond, MathNet's erfc drifts, to 1.4e-14 at x = 11.7 and 5e-14 at x = 25 against mpmath, measured).
        double worst = 0, at = 0;
        for (double x = 0; x <= 6; x += 0.00137)
        {
            double reference = ErrorFunctions.ExpSquare(x) * MathNet.Numerics.SpecialFunctions.Erfc(x);
            double e = Math.Abs(ErrorFunctions.Erfcx(x) / reference - 1);
            if (e > worst)
            {
                worst = e;
                at = x;
            }
        }

        Assert.True(worst < 4e-15, $"worst relative error {worst:E2} at {at}");
    }

    [Fact]
    public void Dawson_DenseGrid_SatisfiesItsDifferentialEquation()
    {
        // D'(x) = 1 - 2x D(x); check with a 6th-order central difference (h = 1e-2: truncation h^6 D^(7) ~ 1e-12,
        // rounding 1e-16/h ~ 1e-14), on both sides of the 0.2 and 50 switch points.
        const double H = 1e-2;
        double worst = 0;
        for (double x = 0.05; x <= 60; x += 0.0731)
        {
            double derivative = ((45 * (ErrorFunctions.Dawson(x + H) - ErrorFunctions.Dawson(x - H)))
                - (9 * (ErrorFunctions.Dawson(x + (2 * H)) - ErrorFunctions.Dawson(x - (2 * H))))
                + (ErrorFunctions.Dawson(x + (3 * H)) - ErrorFunctions.Dawson(x - (3 * H)))) / (60 * H);
            worst = Math.Max(worst, Math.Abs(derivative - (1 - (2 * x * ErrorFunctions.Dawson(x)))));
        }

        Assert.True(worst < 1e-11, $"worst residual {worst:E2}");
    }

    [Fact]
    public void TableInterpolants_MatchSlowReferences_OnDenseGrid()
    {
        // The table is built from the slow references; between its nodes the Chebyshev interpolant must stay within
        // ~10 ulps of them (truncation of degree 12 < 1e-17; coefficient rounding ~1e-15 at piece ends, measured).
        double worstE = 0, worstD = 0, at = 0;
        for (double x = 0.2; x <= 50; x += 0.00917)
        {
            double e = Math.Abs(ErrorFunctions.Erfcx(x) / ErrorFunctions.SlowErfcx(x) - 1);
            if (e > worstE)
            {
                worstE = e;
                at = x;
            }

            worstD = Math.Max(worstD, Math.Abs(ErrorFunctions.Dawson(x) / ErrorFunctions.SlowDawson(x) - 1));
        }

        Assert.True(worstE < 2e-15, $"erfcx worst {worstE:E2} at {at} slow {ErrorFunctions.SlowErfcx(at):R} fast {ErrorFunctions.Erfcx(at):R}");
        Assert.True(worstD < 2e-15, $"Dawson worst {worstD:E2}");
    }

    [Theory]
    [InlineData(0.0, 1.0, 0.64725922516538839777)]
    [InlineData(0.5, 3.0, 0.79691968915386013521)]
    [InlineData(2.0, 40.0, 1.6598493407696196187)]
    [InlineData(40.0, 60.0, 0.22871024881726932524)]
    [InlineData(10.0, 5000.0, 3.5048170933585452662)]
    [InlineData(999.0, 1e6, 3.8978479046356237068)]
    public void ErfcxIntegral_MatchesMpmathQuadrature(double a, double b, double expected)
    {
        // Reference: mpmath.quad of exp(s^2) erfc(s) at 30 digits on sub-intervals. 2e-15: the integrand's own
        // ~1e-15 and the summation of up to 11 panels.
        Assert.True(Math.Abs(ErrorFunctions.ErfcxIntegral(a, b) / expected - 1) < 2e-15, $"{ErrorFunctions.ErfcxIntegral(a, b):R}");
        Assert.Equal(-ErrorFunctions.ErfcxIntegral(a, b), ErrorFunctions.ErfcxIntegral(b, a));
    }

    [Fact]
    public void Erfcx_Extremes_AreFiniteOrInfiniteAsExpected()
    {
        Assert.Equal(double.PositiveInfinity, ErrorFunctions.Erfcx(-30));
        Assert.True(double.IsNaN(ErrorFunctions.Erfcx(double.NaN)));
        Assert.Equal(0.0, ErrorFunctions.Erfcx(double.PositiveInfinity));
        Assert.Equal(0.0, ErrorFunctions.Dawson(double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErrorFunctions.ErfcxIntegral(-1, 2));
    }
}
