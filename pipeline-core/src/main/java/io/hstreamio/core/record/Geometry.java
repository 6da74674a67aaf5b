package io.hstreamio.core.record;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** A spatial value: its spatial reference id and its OGC well-known binary (WKB) form. */
public final class Geometry {
    private final int srid;
    private final byte[] wkb;

    public Geometry(int srid, byte[] wkb) {
        this.srid = srid;
        this.wkb = Objects.requireNonNull(wkb, "wkb").clone();
    }

    public int srid() {
        return srid;
    }

    public byte[] wkb() {
        return wkb.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Geometry g && g.srid == srid && Arrays.equals(g.wkb, wkb);
    }

    @Override
    public int hashCode() {
        return 31 * srid + Arrays.hashCode(wkb);
    }

    @Override
    public String toString() {
        return "SRID=" + srid + ";WKB=" + HexFormat.of().formatHex(wkb);
    }
}
