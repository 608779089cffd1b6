package uk.nhs.healthjustice.telemed.jobs.generate;

import java.util.Random;

/** Random draws the generator's logs share, so that each log's own random stream is used the same way. */
final class Draws {

    private Draws() {
    }

    /**
     * An index drawn with probability proportional to its weight; a weight of 0 is never drawn (the last
     * positive weight takes what rounding leaves over).
     */
    static int weighted(Random random, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0 && weights[i] > 0) {
                return i;
            }
        }
        for (int i = weights.length - 1; ; i--) {
            if (weights[i] > 0) {
                return i;
            }
        }
    }

    /** A Poisson draw with mean {@code lambda} (Knuth's product of uniforms: the means here are small). */
    static int poisson(Random random, double lambda) {
        double l = Math.exp(-lambda);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > l);
        return k - 1;
    }
}
