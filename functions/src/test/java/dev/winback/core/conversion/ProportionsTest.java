package dev.winback.core.conversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wilson and Newcombe intervals against the published worked examples. */
class ProportionsTest {

    private static final double FOUR_DECIMALS = 0.00005;

    /** Newcombe (1998) "Two-sided confidence intervals for the single proportion", Stat Med 17:857–872, Table I, method 3. */
    @ParameterizedTest(name = "{0}/{1}: [{2}, {3}]")
    @CsvSource({
            "81, 263, 0.2553, 0.3662",
            "15, 148, 0.0624, 0.1605",
            "0,  20,  0.0000, 0.1611",
            "1,  29,  0.0061, 0.1718",
    })
    void wilsonMatchesNewcombesTable(long x, long n, double lower, double upper) {
        Proportions.Interval i = Proportions.wilson(x, n, Proportions.Z95);
        assertEquals((double) x / n, i.estimate(), 1e-12);
        assertEquals(lower, i.lower(), FOUR_DECIMALS);
        assertEquals(upper, i.upper(), FOUR_DECIMALS);
    }

    /**
     * Newcombe (1998) "Interval estimation for the difference between independent proportions:
     * comparison of eleven methods", Stat Med 17:873–890, Table II, method 10 (score, no continuity
     * correction), examples (a)–(f).
     */
    @ParameterizedTest(name = "{0}/{1} - {2}/{3}: [{4}, {5}]")
    @CsvSource({
            "56, 70, 48, 80,  0.0524, 0.3339",
            "9,  10, 3,  10,  0.1705, 0.8090",
            "6,  7,  2,  7,   0.0582, 0.8062",
            "5,  56, 0,  29, -0.0381, 0.1926",
            "0,  10, 0,  20, -0.1611, 0.2775",
            "10, 10, 0,  20,  0.6791, 1.0000",
    })
    void differenceMatchesNewcombesMethod10(long x1, long n1, long x2, long n2, double lower, double upper) {
        Proportions.Interval i = Proportions.difference(x1, n1, x2, n2, Proportions.Z95);
        assertEquals((double) x1 / n1 - (double) x2 / n2, i.estimate(), 1e-12);
        assertEquals(lower, i.lower(), FOUR_DECIMALS);
        assertEquals(upper, i.upper(), FOUR_DECIMALS);
    }

    @Test
    void swappingTheGroupsMirrorsTheInterval() {
        Proportions.Interval ab = Proportions.difference(56, 70, 48, 80, Proportions.Z95);
        Proportions.Interval ba = Proportions.difference(48, 80, 56, 70, Proportions.Z95);
        assertEquals(-ab.estimate(), ba.estimate(), 1e-12);
        assertEquals(-ab.upper(), ba.lower(), 1e-12);
        assertEquals(-ab.lower(), ba.upper(), 1e-12);
    }

    @Test
    void boundsStayInsideTheirRange() {
        Proportions.Interval all = Proportions.wilson(7, 7, Proportions.Z95);
        assertEquals(1.0, all.upper());
        Proportions.Interval none = Proportions.wilson(0, 7, Proportions.Z95);
        assertEquals(0.0, none.lower());
        Proportions.Interval extreme = Proportions.difference(1, 1, 0, 1, Proportions.Z95);
        assertEquals(1.0, extreme.estimate());
        assertEquals(1.0, extreme.upper());
    }

    @Test
    void emptyOrImpossibleSamplesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Proportions.wilson(0, 0, Proportions.Z95));
        assertThrows(IllegalArgumentException.class, () -> Proportions.wilson(3, 2, Proportions.Z95));
        assertThrows(IllegalArgumentException.class, () -> Proportions.difference(1, 2, -1, 2, Proportions.Z95));
    }
}
