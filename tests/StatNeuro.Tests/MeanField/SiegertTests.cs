using StatNeuro.MeanField;

namespace StatNeuro.Tests.MeanField;

public class SiegertTests
{
    private static readonly DiffusionLifParameters s_brunel = new();

    // mu, sigma, ln(rate/Hz), ln|d rate/d mu|, sign, ln|d rate/d sigma|, sign for tau = 20, theta = 20, V_r = 10,
    // tau_ref = 2: mpmath 1.3.0 at 40 digits, quad of exp(u^2) erfc(-u) split at 0 (script in docs/meanfield.md).
    public static TheoryData<double, double, double, double, int, double, int> Mpmath => new()
    {
        { -10, 0.5, -3592.566136312421727, -3587.0856363262270094, 1, -3582.9912917640049087, 1 },
        { -10, 1, -893.25970088511811172, -889.1659126521797241, 1, -885.76471527051756873, 1 },
        { -10, 2, -218.95452644183828483, -216.24871094618001564, 1, -213.54066074507780557, 1 },
        { -10, 5, -30.882990437680983894, -30.021929671800722444, 1, -28.23017020188561624, 1 },
        { -10, 10, -4.6175292375751249718, -5.1909104536542727484, 1, -4.0900447868449896325, 1 },
        { -5, 0.5, -2492.7485190321672161, -2487.4504017657179875, 1, -2483.5383787602898415, 1 },
        { -5, 1, -618.44226771897943704, -614.53104631990237473, 1, -611.31217049503417399, 1 },
        { -5, 2, -150.38783930686483998, -147.86533667623312593, 1, -145.33960803192487049, 1 },
        { -5, 5, -20.072020047917829194, -19.399989002747966228, 1, -17.790551045300289104, 1 },
        { -5, 10, -2.0665791933330549839, -2.8506308924467027436, 1, -1.9270312682870043797, 1 },
        { 0, 0.5, -1592.9717752279004702, -1587.8969141571844958, 1, -1584.2080347030705595, 1 },
        { 0, 1, -393.66586359449908534, -389.97823807094167134, 1, -386.98250579738768035, 1 },
        { 0, 2, -94.362820944030142067, -92.065299950563730105, 1, -89.762714857569684421, 1 },
        { 0, 5, -11.30822584499808917, -10.872406621943097968, 1, -9.4861091958881656449, 1 },
        { 0, 10, -0.051767332954137884395, -1.1020417105413055264, 1, -0.38508288236128230513, 1 },
        { 5, 0.5, -893.25970088511811172, -888.4727654716197788, 1, -885.07156808995762342, 1 },
        { 5, 1, -218.95452644183828483, -215.55556376562007033, 1, -212.84751356451786026, 1 },
        { 5, 2, -50.904534600194720563, -48.898727262892887097, 1, -46.88382424235062234, 1 },
        { 5, 5, -4.627857909276312231, -4.5119847880545305133, 1, -3.4131664022256653855, 1 },
        { 5, 10, 1.4447796910195433618, 0.062816305089146736828, 1, 0.54332526808593263802, 1 },
        { 10, 0.5, -393.66586359449908534, -389.28509089038172603, 1, -386.28935861682773504, 1 },
        { 10, 1, -94.362820944030142067, -91.372152770003784796, 1, -89.069567677009739112, 1 },
        { 10, 2, -20.072020244262803114, -18.483698551036764901, 1, -16.874260638595720555, 1 },
        { 10, 5, -0.12565001134943551661, -0.51881210184494587635, 1, 0.1835567565701155868, 1 },
        { 10, 10, 2.4918760800349287872, 0.73004586959038053218, 1, 0.95274132225043641341, 1 },
        { 15, 0.5, -94.362820944030142067, -90.679005589443839486, 1, -88.376420496449793802, 1 },
        { 15, 1, -20.072020244362570333, -17.790551370670178789, 1, -16.181113458234540954, 1 },
        { 15, 2, -2.103525056634511509, -1.297115210617358159, 1, -0.38041744389831392434, 1 },
        { 15, 5, 2.2471569255533024984, 1.0672217414879630034, 1, 1.2383650567290039601, 1 },
        { 15, 10, 3.2030374256296332817, 1.0540132506453890566, 1, 1.0138316957617749078, 1 },
        { 19, 0.5, -0.19172981322368506138, 1.6605477515598132535, 1, 2.3565643611122954768, 1 },
        { 19, 1, 1.9214445994310692175, 2.1019462357103905182, 1, 2.2205812336504122358, 1 },
        { 19, 2, 2.5675879309172213969, 1.706618651573044456, 1, 1.5259125938966382448, 1 },
        { 19, 5, 3.153993225891133244, 1.3529145895918868006, 1, 1.0790820958255239432, 1 },
        { 19, 10, 3.6068902164439022006, 1.1667395008810166996, 1, 0.92382764078824792676, 1 },
        { 19.9, 0.5, 2.4151073989375981069, 2.402151504952800038, 1, 1.9828026224403091992, 1 },
        { 19.9, 1, 2.6409451441603707536, 2.0070278050941974308, 1, 1.5472895508919777024, 1 },
        { 19.9, 2, 2.8887625999133620254, 1.6905116153621246455, 1, 1.2442886354454832568, 1 },
        { 19.9, 5, 3.2938437180415829593, 1.3712677192415770184, 1, 1.0044778152569803701, 1 },
        { 19.9, 10, 3.6829298179898707665, 1.1807037542932822867, 1, 0.89382849848836632989, 1 },
        { 20, 0.5, 2.5063890851084324399, 2.3376884265299718044, 1, 1.7926562277231202482, 1 },
        { 20, 1, 2.6921310870726404725, 1.9868256309302219256, 1, 1.4673001797909920827, 1 },
        { 20, 2, 2.9184338514659255514, 1.6867366022405715428, 1, 1.2126108267651257739, 1 },
        { 20, 5, 3.3083715828389842582, 1.3727448799078082531, 1, 0.99585310668372990528, 1 },
        { 20, 10, 3.6910922155229220356, 1.1820527367862003019, 1, 0.890335765615104167, 1 },
        { 20.1, 0.5, 2.5851300694824711778, 2.2767271720495199593, 1, 1.6116917139208460483, 1 },
        { 20.1, 1, 2.7398756337074944626, 1.966770825333719241, 1, 1.3889317119037790193, 1 },
        { 20.1, 2, 2.9471400177482044335, 1.6827571778442085847, 1, 1.1810916670427236504, 1 },
        { 20.1, 5, 3.322711716505694582, 1.3741231342203889413, 1, 0.98717626996324047468, 1 },
        { 20.1, 10, 3.6991992567350063349, 1.1833632744549226828, 1, 0.88681340033960592141, 1 },
        { 21, 0.5, 3.0181705760589364834, 1.9191847272081299046, 1, 0.4489116499252092398, 1 },
        { 21, 1, 3.064239550884395485, 1.8119917262108433263, 1, 0.781163949816945105, 1 },
        { 21, 2, 3.1696530650832534031, 1.6423844583098747323, 1, 0.90994214338812999648, 1 },
        { 21, 5, 3.4439051768106620747, 1.382588965686711452, 1, 0.90729506778068242514, 1 },
        { 21, 10, 3.7697543732365281705, 1.1935154356886780962, 1, 0.85387363059813994203, 1 },
        { 25, 0.5, 3.7326990362370610029, 1.5313337270488076322, 1, -1.1859712945175253512, 1 },
        { 25, 1, 3.7380683820134477204, 1.5215776834698755253, 1, -0.52834519178278167439, 1 },
        { 25, 2, 3.7576966321492672313, 1.4891969823737982281, 1, 0.049490842939358003723, 1 },
        { 25, 5, 3.85476338584881812, 1.3684499983555521929, 1, 0.54786808585335259267, 1 },
        { 25, 10, 4.0381142884512303356, 1.2101667431590000195, 1, 0.68834370626600959284, 1 },
        { 30, 0.5, 4.144359275078811419, 1.3787824192469777624, 1, -1.9071189600940023496, 1 },
        { 30, 1, 4.1461144430558091015, 1.3758280590411723904, 1, -1.2242370976441389038, 1 },
        { 30, 2, 4.1529352664790642473, 1.3646778292039667775, 1, -0.56950727644705633734, 1 },
        { 30, 5, 4.1940893391083115542, 1.305364209458513649, 1, 0.14781030695458378645, 1 },
        { 30, 10, 4.2954128033737033529, 1.1894134937628853691, 1, 0.46216798285702246331, 1 },
        { 40, 0.5, 4.5944709054544435606, 1.1819150657021332501, 1, -2.6899794490666711281, 1 },
        { 40, 1, 4.5949845920078381911, 1.1809714001306417369, 1, -1.9998452639515519507, 1 },
        { 40, 2, 4.5970215007756866674, 1.177256042566290766, 1, -1.3185290521520017879, 1 },
        { 40, 5, 4.6105595559274249894, 1.1535103823038738747, 1, -0.47683541492446794463, 1 },
        { 40, 10, 4.6514581080884669287, 1.0888288146883678854, 1, 0.019138953132608138779, 1 },
    };

    [Theory]
    [MemberData(nameof(Mpmath))]
    public void Evaluate_MatchesMpmath_InEveryRegime(double mu, double sigma, double logRate, double logDmu, int signDmu, double logDsigma, int signDsigma)
    {
        SiegertResult r = Siegert.Evaluate(mu, sigma, s_brunel);

        // Rate: 1e-12 relative = 1e-12 absolute in the log; where the log is large the inputs' own rounding
        // (y_th^2 carries ~2 eps y_th^2) limits it, so allow 2 eps |ln rate| on top.
        Assert.True(Math.Abs(r.LogRateHz - logRate) <= 1e-12 + (4.4e-16 * Math.Abs(logRate)), $"ln rate {r.LogRateHz:R} vs {logRate:R}");
        if (logRate > -690)
        {
            Assert.True(Math.Abs((r.RateHz / Math.Exp(logRate)) - 1) <= 1e-12, $"rate {r.RateHz:R}");
        }

        // Derivatives: 1e-11 relative (one more subtraction f(y_th) - f(y_r) than the rate) where they are representable.
        if (logDmu > -690)
        {
            Assert.True(Math.Abs((r.DRateDMu / (signDmu * Math.Exp(logDmu))) - 1) <= 1e-11, $"dnu/dmu {r.DRateDMu:R}");
        }

        if (logDsigma > -690)
        {
            Assert.True(Math.Abs((r.DRateDSigma / (signDsigma * Math.Exp(logDsigma))) - 1) <= 1e-11, $"dnu/dsigma {r.DRateDSigma:R}");
        }
    }

    [Fact]
    public void LogRate_DenseGrid_MatchesBrunelIntegralForm()
    {
        // Independent form (Brunel 2000, eq. 21): 1/nu = tau_ref + tau * int_0^inf e^(-u^2)(e^(2 y_th u) - e^(2 y_r u))/u du,
        // by the trapezoidal rule in t = ln u (integrand analytic in a strip, decaying exponentially at both ends:
        // error < 1e-18 at h = 2e-3) with compensated summation. 1e-12 relative over mu in [-10, 40], sigma in [0.5, 10].
        double worst = 0;
        for (double mu = -10; mu <= 40; mu += 1.25)
        {
            foreach (double sigma in new[] { 0.5, 0.8, 1.3, 2.1, 3.4, 5.5, 10 })
            {
                double reference = ReferenceLogRateHz(mu, sigma, s_brunel);
                double got = Siegert.LogRateHz(mu, sigma, s_brunel);
                Assert.True(double.IsFinite(got));
                worst = Math.Max(worst, Math.Abs(got - reference) / Math.Max(1, 4.4e-4 * Math.Abs(reference)));
            }
        }

        Assert.True(worst < 1e-12, $"worst {worst:E2}");
    }

    [Fact]
    public void LogRate_FarBelowThreshold_StaysFiniteWhereRateUnderflows()
    {
        // mu = -10, sigma = 0.5: nu = 5.866e-1561 Hz (mpmath), far below the smallest double.
        double log = Siegert.LogRateHz(-10, 0.5, s_brunel);
        Assert.Equal(0.0, Siegert.RateHz(-10, 0.5, s_brunel));
        Assert.True(Math.Abs(log - -3592.566136312421727) < 2e-12, $"{log:R}");
    }

    [Theory]
    [InlineData(25.0)]
    [InlineData(30.0)]
    [InlineData(40.0)]
    public void Rate_SmallNoise_ApproachesNoiselessLimitQuadratically(double mu)
    {
        // nu(sigma) = nu0 + O(sigma^2) above threshold: the error must drop ~4x when sigma halves.
        double nu0 = Siegert.NoiselessRateHz(mu, s_brunel);
        double e1 = Math.Abs(Siegert.RateHz(mu, 0.02, s_brunel) - nu0);
        double e2 = Math.Abs(Siegert.RateHz(mu, 0.01, s_brunel) - nu0);
        Assert.InRange(Math.Log2(e1 / e2), 1.9, 2.1);
        Assert.True(e2 / nu0 < 1e-4);
    }

    [Fact]
    public void Derivatives_MatchCentralDifferences()
    {
        // Central difference with h = 1e-4: truncation h^2 nu''' ~ 1e-8 relative.
        foreach ((double mu, double sigma) in new[] { (10.0, 5.0), (15.0, 5.0), (25.0, 1.0), (19.0, 2.0) })
        {
            SiegertResult r = Siegert.Evaluate(mu, sigma, s_brunel);
            const double H = 1e-4;
            double dmu = (Siegert.RateHz(mu + H, sigma, s_brunel) - Siegert.RateHz(mu - H, sigma, s_brunel)) / (2 * H);
            double dsigma = (Siegert.RateHz(mu, sigma + H, s_brunel) - Siegert.RateHz(mu, sigma - H, s_brunel)) / (2 * H);
            Assert.True(Math.Abs(r.DRateDMu - dmu) < 1e-7 * Math.Abs(dmu) + 1e-9);
            Assert.True(Math.Abs(r.DRateDSigma - dsigma) < 1e-7 * Math.Abs(dsigma) + 1e-9);
        }
    }

    [Fact]
    public void Rate_DesignNoteMeanFirstPassage_IsReproduced()
    {
        // 1/nu0 - tau_ref = 103.699308782674 ms at mu = 15, sigma = 5 (mean first-passage time from V_r by the
        // parabolic-cylinder Laplace transform, mpmath; design note meanfield.md §1.2).
        double t = 1000 / Siegert.RateHz(15, 5, s_brunel) - 2;
        Assert.Equal(103.699308782674, t, 1e-9);
    }

    [Fact]
    public void Parameters_Validate_RejectsBadFields()
    {
        Assert.Throws<ArgumentException>(() => new DiffusionLifParameters(TauMs: 0).Validate());
        Assert.Throws<ArgumentException>(() => new DiffusionLifParameters(ThresholdMv: 10, ResetMv: 10).Validate());
        Assert.Throws<ArgumentException>(() => new DiffusionLifParameters(RefractoryMs: double.NaN).Validate());
        new DiffusionLifParameters().Validate();
    }

    internal static double ReferenceLogRateHz(double mu, double sigma, DiffusionLifParameters p)
    {
        double yth = (p.ThresholdMv - mu) / sigma, yr = (p.ResetMv - mu) / sigma, delta = yth - yr;
        double shift = yth > 0 ? yth * yth : 0;
        double tMax = Math.Log(Math.Max(yth, 0) + 40);
        const double H = 2e-3;
        double sum = 0, c = 0;
        for (double t = -50; t <= tMax; t += H)
        {
            double u = Math.Exp(t);
            double exponent = yth > 0 ? -(u - yth) * (u - yth) : -u * (u - (2 * yth));
            double term = Math.Exp(exponent) * -StatNeuro.Numerics.ErrorFunctions.ExpM1(-2 * delta * u);
            double s = sum + term;
            c += Math.Abs(sum) >= Math.Abs(term) ? (sum - s) + term : (term - s) + sum;
            sum = s;
        }

        double q = (sum + c) * H;
        double logPerMs = -(shift + Math.Log((p.TauMs * q) + (p.RefractoryMs * Math.Exp(-shift))));
        return logPerMs + Math.Log(1000);
    }
}
