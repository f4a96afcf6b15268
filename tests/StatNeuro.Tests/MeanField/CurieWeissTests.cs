using StatNeuro.MeanField;

namespace StatNeuro.Tests.MeanField;

public class CurieWeissTests
{
    // T, H, m, f (zJ = 1): every root by 200 bisections in mpmath at 50 digits on the monotone pieces of
    // m - tanh((m + H)/T), f = m^2/2 - T ln 2cosh((m + H)/T) (script in docs/meanfield.md).
    public static TheoryData<double, double, double, double> Mpmath => new()
    {
        { 0.05, 0, -0.9999999999999999915, -0.50000000000000000021 },
        { 0.05, 0, -6.7777106220213551688e-62, -0.034657359027997267395 },
        { 0.05, 0, 0.9999999999999999915, -0.50000000000000000021 },
        { 0.05, 0.01, -0.99999999999999998732, -0.49000000000000000011 },
        { 0.05, 0.01, -0.010526336253247905344, -0.034604727397891696669 },
        { 0.05, 0.01, 0.9999999999999999943, -0.51000000000000000035 },
        { 0.05, 0.1, -0.9999999999999995361, -0.40000000000000000605 },
        { 0.05, 0.1, -0.10528376946982184387, -0.02939368709338010012 },
        { 0.05, 0.1, 0.99999999999999999984, -0.60000000000000000556 },
        { 0.1, 0, -0.99999999587769242375, -0.50000000020611537053 },
        { 0.1, 0, -1.1316220097773650065e-61, -0.069314718055994534789 },
        { 0.1, 0, 0.99999999587769242375, -0.50000000020611537053 },
        { 0.1, 0.01, -0.99999999496500206677, -0.49000000025174988409 },
        { 0.1, 0.01, -0.011111161920835289074, -0.069259162373418386282 },
        { 0.1, 0.01, 0.99999999662494006286, -0.51000000016875299151 },
        { 0.1, 0.1, -0.99999996954002241828, -0.40000000152299842123 },
        { 0.1, 0.1, -0.11116236728304948049, -0.063757884874199262937 },
        { 0.1, 0.1, 0.99999999944210637536, -0.60000000002789468663 },
        { 0.2, 0, -0.99990912171523255089, -0.50000908390552324464 },
        { 0.2, 0, -1.7967531235400132182e-61, -0.13862943611198906958 },
        { 0.2, 0, 0.99990912171523255089, -0.50000908390552324464 },
        { 0.2, 0.01, -0.99989955483403201729, -0.49001003972422034449 },
        { 0.2, 0.01, -0.012500162782036909207, -0.13856693570505199568 },
        { 0.2, 0.01, 0.99991777668830323826, -0.51000821911985464037 },
        { 0.2, 0.1, -0.99975259961043990438, -0.40002471096577964587 },
        { 0.2, 0.1, -0.12516495901234756427, -0.13237533061397142394 },
        { 0.2, 0.1, 0.99996658599339699872, -0.60000334087032509387 },
        { 0.3, 0, -0.99741381689197482313, -0.5003848343239606237 },
        { 0.3, 0, -2.2588334235883096375e-61, -0.20794415416798358513 },
        { 0.3, 0, 0.99741381689197482313, -0.5003848343239606237 },
        { 0.3, 0.01, -0.99723243421208483276, -0.49041159265150637494 },
        { 0.3, 0.01, -0.014286130866292862555, -0.20787272455517645268 },
        { 0.3, 0.01, 0.99758313217732470578, -0.51035982877187207336 },
        { 0.3, 0.1, -0.99488360397101815585, -0.40075535398414678109 },
        { 0.3, 0.1, -0.14328262192668418289, -0.20079073596374927475 },
        { 0.3, 0.1, 0.99868255646306238864, -0.60019681381755638868 },
        { 0.5, 0, -0.95750402407726874068, -0.50983553399343459171 },
        { 0.5, 0, -2.7424006487629463495e-61, -0.34657359027997265471 },
        { 0.5, 0, 0.95750402407726874068, -0.50983553399343459171 },
        { 0.5, 0.01, -0.95545192677849511214, -0.50027065920835229682 },
        { 0.5, 0.01, -0.020002668374769124409, -0.3464735836104597492 },
        { 0.5, 0.01, 0.95944606425181213713, -0.51942037291858825845 },
        { 0.5, 0.1, -0.93029720271015555813, -0.4153073592534969796 },
        { 0.5, 0.1, -0.20285321448230240411, -0.33650388478748894469 },
        { 0.5, 0.1, 0.97301568665235423676, -0.60642792486207055649 },
        { 0.7, 0, -0.82863479864083455247, -0.54802123652999459143 },
        { 0.7, 0, -2.6795395429063355003e-61, -0.48520302639196168581 },
        { 0.7, 0, 0.82863479864083455247, -0.54802123652999459143 },
        { 0.7, 0.01, -0.82020018462019097298, -0.53977649897391225458 },
        { 0.7, 0.01, -0.0333622342140234207, -0.48503628755184415847 },
        { 0.7, 0.01, 0.8364388692416281352, -0.55634709522652399804 },
        { 0.7, 0.1, -0.67873392694248112656, -0.47096915547040611398 },
        { 0.7, 0.1, -0.38022970450588886627, -0.46757046030298495655 },
        { 0.7, 0.1, 0.88770903448947686908, -0.63414363599339283419 },
        { 0.8, 0, -0.71041178348787030737, -0.58319975641105382782 },
        { 0.8, 0, -2.3956708313866840335e-61, -0.55451774444795627832 },
        { 0.8, 0, 0.71041178348787030737, -0.58319975641105382782 },
        { 0.8, 0.01, -0.69306701976541294313, -0.57618046626075615691 },
        { 0.8, 0.01, -0.050168613192896044158, -0.55426732454965345957 },
        { 0.8, 0.01, 0.72574888835688173162, -0.59038203276880297949 },
        { 0.8, 0.1, 0.81615603248093786406, -0.66024068428515255253 },
        { 0.9, 0, -0.52542951265800867809, -0.63117547253209643151 },
        { 0.9, 0, -1.8339545588979467307e-61, -0.62383246250395079387 },
        { 0.9, 0, 0.52542951265800867809, -0.63117547253209643151 },
        { 0.9, 0.01, -0.47587959697922894923, -0.6261526299828458904 },
        { 0.9, 0.01, -0.10333128170284603511, -0.62332443020584347668 },
        { 0.9, 0.01, 0.56143935256050503593, -0.63661748977115435054 },
        { 0.9, 0.1, 0.7235498418566657029, -0.6956726945550410011 },
        { 0.95, 0, -0.37948520667809000249, -0.66034564577914660856 },
        { 0.95, 0, -1.3446508406311447546e-61, -0.65848982153194801316 },
        { 0.95, 0, 0.37948520667809000249, -0.66034564577914660856 },
        { 0.95, 0.01, 0.44754580028104397391, -0.6645109077657809214 },
        { 0.95, 0.1, 0.66971520871169975608, -0.71692537558222945312 },
        { 0.99, 0, -0.17251106997505129879, -0.68629055808674367237 },
        { 0.99, 0, -6.181445178215939136e-62, -0.68621570875434585017 },
        { 0.99, 0, 0.17251106997505129879, -0.68629055808674367237 },
        { 0.99, 0.01, 0.33530130369337423232, -0.68903813790160570895 },
        { 0.99, 0.1, 0.62365540634904632925, -0.73556485146368390105 },
        { 1.01, 0, -6.2230152778611417071e-61, -0.70007865236554476867 },
        { 1.01, 0.01, 0.27405168832551291792, -0.70195402746287609289 },
        { 1.01, 0.1, 0.59986390527717680873, -0.74540645312503437606 },
        { 1.1, 0, -6.2230152778611417071e-61, -0.76246189861593990192 },
        { 1.1, 0.01, 0.096668979029188922329, -0.76295330878323350429 },
        { 1.1, 0.1, 0.49074428653936329349, -0.79358813972367404187 },
        { 1.5, 0, -6.2230152778611417071e-61, -1.0397207708399179641 },
        { 1.5, 0.01, 0.01999200767024961586, -1.0398207508527057726 },
        { 1.5, 0.1, 0.1926826422586741694, -1.0495324760154974111 },
        { 2.0, 0, -6.2230152778611417071e-61, -1.3862943611198906188 },
        { 2.0, 0.01, 0.0099993334266495910779, -1.3863443594533794864 },
        { 2.0, 0.1, 0.099342499363177168414, -1.3912778479088896256 },
    };

    [Theory]
    [MemberData(nameof(Mpmath))]
    public void Solutions_MatchArbitraryPrecisionBisection(double temperature, double field, double m, double f)
    {
        IReadOnlyList<CurieWeissState> states = CurieWeiss.Solutions(temperature, field);
        CurieWeissState s = states.MinBy(x => Math.Abs(x.Magnetization - m))!;

        // 1e-12 relative (Brent stops at 4 eps |m|; f is a sum of two O(1) terms).
        if (Math.Abs(m) < 1e-30)
        {
            Assert.True(Math.Abs(s.Magnetization) < 1e-15);
        }
        else
        {
            Assert.True(Math.Abs((s.Magnetization / m) - 1) < 1e-12, $"m = {s.Magnetization:R}");
        }

        Assert.True(Math.Abs((s.FreeEnergy / f) - 1) < 1e-12, $"f = {s.FreeEnergy:R}");
        Assert.True(Math.Abs(s.FreeEnergyBraggWilliams - s.FreeEnergy) < 1e-12, "Bragg–Williams equals Landau at a solution");
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void MetastableBranch_ExistsExactlyBelowSpinodal(double temperature)
    {
        double hc = CurieWeiss.SpinodalField(temperature);
        Assert.Equal(3, CurieWeiss.Solutions(temperature, hc * (1 - 1e-6)).Count);
        Assert.Equal(2, CurieWeiss.Solutions(temperature, hc * (1 - 1e-6)).Count(s => s.Stable));
        Assert.Single(CurieWeiss.Solutions(temperature, hc * (1 + 1e-6)));
        Assert.Single(CurieWeiss.Solutions(temperature, -hc * (1 + 1e-6)));
    }

    [Fact]
    public void CriticalExponents_AreMeanField()
    {
        // Within 2 % of 1/2, 1, 1 and 3 (issue 5); amplitudes sqrt(3), ratio 2 and the jump 3/2 within 2 % too.
        CriticalExponents e = CurieWeiss.MeasureExponents();
        Assert.InRange(e.BetaExponent, 0.49, 0.51);
        Assert.InRange(e.GammaExponent, 0.98, 1.02);
        Assert.InRange(e.GammaPrimeExponent, 0.98, 1.02);
        Assert.InRange(e.DeltaExponent, 2.94, 3.06);
        Assert.InRange(e.BetaAmplitude, Math.Sqrt(3) * 0.98, Math.Sqrt(3) * 1.02);
        Assert.InRange(e.SusceptibilityAmplitudeRatio, 1.96, 2.04);
        Assert.InRange(e.SpecificHeatJump, 1.47, 1.53);
    }

    [Theory]
    [InlineData(0.5, 0.05)]
    [InlineData(0.9, 0.0)]
    [InlineData(1.5, 0.1)]
    public void Thermodynamics_MatchFiniteDifferencesOfFreeEnergy(double temperature, double field)
    {
        // s = -df/dT, chi = dm/dH, c = T ds/dT on the stable branch with the largest m; central differences with
        // h = 1e-5: truncation h^2 ~ 1e-10, rounding eps/h ~ 1e-11.
        const double H = 1e-5;
        CurieWeissState s = CurieWeiss.Solutions(temperature, field)[^1];
        double F(double t, double h) => CurieWeiss.Solutions(t, h)[^1].FreeEnergy;
        double M(double t, double h) => CurieWeiss.Solutions(t, h)[^1].Magnetization;
        double entropy = -(F(temperature + H, field) - F(temperature - H, field)) / (2 * H);
        double chi = (M(temperature, field + H) - M(temperature, field - H)) / (2 * H);
        double c = temperature * (CurieWeiss.Solutions(temperature + H, field)[^1].Entropy - CurieWeiss.Solutions(temperature - H, field)[^1].Entropy) / (2 * H);
        Assert.Equal(entropy, s.Entropy, 1e-8);
        Assert.Equal(chi, s.Susceptibility, 1e-6); // m'''(H) ~ 1e3 near T_c: truncation h^2 m'''/6 ~ 2e-8
        Assert.Equal(c, s.SpecificHeat, 1e-6);
    }

    [Fact]
    public void Hysteresis_SwitchesAtTheSpinodal()
    {
        // At T = 0.5 the up-sweep stays negative until H passes H_c(0.5) = 0.2594 (closed form).
        HysteresisLoop loop = CurieWeiss.Hysteresis(0.5, 0.5, 1001);
        Assert.Equal(Math.Sqrt(0.5) - (0.5 * Math.Atanh(Math.Sqrt(0.5))), loop.SpinodalField, 1e-15);
        for (int k = 0; k < loop.Fields.Length; k++)
        {
            double h = loop.Fields[k];
            if (h < loop.SpinodalField - 1e-3)
            {
                Assert.True(loop.Up[k] < 0);
            }

            if (h > loop.SpinodalField + 1e-3)
            {
                Assert.True(loop.Up[k] > 0);
            }

            if (h > -loop.SpinodalField + 1e-3)
            {
                Assert.True(loop.Down[k] > 0);
            }
        }
    }

    [Fact]
    public void Solutions_BadInput_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CurieWeiss.Solutions(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CurieWeiss.Solutions(1, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => CurieWeiss.Solutions(1, 0, -1));
    }
}
