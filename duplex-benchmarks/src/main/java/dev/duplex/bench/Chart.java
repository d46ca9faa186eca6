package dev.duplex.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Draws the chart of the report: for each target metric, every contender's advantage over Node (Node = 1). */
final class Chart {
    private static final Color[] COLORS = {new Color(0x8c8c8c), new Color(0xe69f00), new Color(0x56b4e9),
        new Color(0x009e73), new Color(0x0072b2), new Color(0xcc79a7)};

    private int left;
    private int right;
    private int top;
    private int bottom;
    private double axisLo;
    private double axisHi;

    private Chart() {
    }

    static void write(Results results, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 1200;
        int h = 620;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            new Chart().draw(g, results, w, h);
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private void draw(Graphics2D g, Results results, int w, int h) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("Advantage over Node socket.io, same-run ratios (log scale, bigger is better; Node = 1)", 30, 32);

        List<Contender> cs = results.contenders;
        List<Target> targets = Target.ALL;
        double lo = 0.25;
        double hi = 4;
        for (Target t : targets) {
            double marker = t.ratio() ? t.bound() : nodeMedian(results, t) / t.bound();
            if (!Double.isNaN(marker)) {
                hi = Math.max(hi, marker);
            }
            for (Contender c : cs) {
                Results.Stat s = results.ratio(c, t.metric());
                if (!Double.isNaN(s.max())) {
                    hi = Math.max(hi, s.max());
                }
                if (!Double.isNaN(s.min()) && s.min() > 0) {
                    lo = Math.min(lo, s.min());
                }
            }
        }
        // a log2 axis from a power of two below the smallest ratio to one above the largest
        lo = Math.pow(2, Math.floor(Math.log(lo) / Math.log(2)));
        hi = Math.pow(2, Math.ceil(Math.log(hi * 1.1) / Math.log(2)));
        left = 70;
        right = w - 30;
        top = 60;
        bottom = h - 130;
        axisLo = lo;
        axisHi = hi;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double y = lo; y <= hi * 1.0001; y *= 2) {
            int py = py(y);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(left, py, right, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(java.math.BigDecimal.valueOf(y).stripTrailingZeros().toPlainString() + "x", 25, py + 4);
        }
        int groupW = (right - left) / targets.size();
        int barW = Math.max(8, (groupW - 30) / Math.max(1, cs.size()));
        for (int ti = 0; ti < targets.size(); ti++) {
            Target t = targets.get(ti);
            int gx = left + ti * groupW + 15;
            for (int ci = 0; ci < cs.size(); ci++) {
                Results.Stat s = results.ratio(cs.get(ci), t.metric());
                if (cs.get(ci).id().equals(Contender.REFERENCE)) {
                    s = new Results.Stat(1, 1, 1, 1);
                }
                int x = gx + ci * barW;
                g.setColor(COLORS[ci % COLORS.length]);
                if (Double.isNaN(s.median())) {
                    g.setColor(Color.GRAY);
                    g.drawString("n/a", x + 2, bottom - 4);
                    continue;
                }
                int y = py(s.median());
                g.fillRect(x + 1, y, barW - 2, bottom - y);
                // min-max whisker
                g.setColor(Color.BLACK);
                int ymin = py(s.min());
                int ymax = py(s.max());
                int cx = x + barW / 2;
                g.drawLine(cx, ymin, cx, ymax);
                g.drawLine(cx - 3, ymin, cx + 3, ymin);
                g.drawLine(cx - 3, ymax, cx + 3, ymax);
                String label = String.format(Locale.ROOT, "%.2f", s.median());
                FontMetrics fm = g.getFontMetrics();
                g.drawString(label, cx - fm.stringWidth(label) / 2, Math.min(y, ymax) - 4);
            }
            // target marker: the ratio, or for an absolute bound (lower is better) Node's median / the bound
            double marker = t.ratio() ? t.bound() : nodeMedian(results, t) / t.bound();
            if (!Double.isNaN(marker)) {
                int ty = py(marker);
                g.setColor(new Color(0xd55e00));
                g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {6f, 4f}, 0f));
                g.drawLine(gx - 5, ty, gx + cs.size() * barW + 5, ty);
                g.setStroke(new BasicStroke(1f));
            }
            g.setColor(Color.BLACK);
            drawWrapped(g, t.label(), gx, bottom + 18, groupW - 20);
        }
        // reference line at 1
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.5f));
        int one = py(1);
        g.drawLine(left, one, right, one);
        g.drawLine(left, top, left, bottom);
        g.setStroke(new BasicStroke(1f));
        // legend
        int lx = left;
        int ly = h - 50;
        for (int ci = 0; ci < cs.size(); ci++) {
            g.setColor(COLORS[ci % COLORS.length]);
            g.fillRect(lx, ly, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(cs.get(ci).name(), lx + 20, ly + 12);
            lx += 40 + g.getFontMetrics().stringWidth(cs.get(ci).name());
        }
        g.setColor(new Color(0xd55e00));
        g.drawString("- - Duplex target (an absolute target is drawn as Node / target); latency and RSS are shown as "
                + "Node / contender; whiskers: min-max over the runs", left, h - 18);
    }

    private static double nodeMedian(Results results, Target t) {
        return results.contenders.stream().filter(c -> c.id().equals(Contender.REFERENCE)).findFirst()
                .map(c -> results.stat(c, t.metric()).median()).orElse(Double.NaN);
    }

    private int py(double v) {
        double c = Math.max(axisLo, Math.min(v, axisHi));
        return bottom - (int) Math.round((bottom - top) * Math.log(c / axisLo) / Math.log(axisHi / axisLo));
    }

    private static void drawWrapped(Graphics2D g, String text, int x, int y, int width) {
        FontMetrics fm = g.getFontMetrics();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && fm.stringWidth(line + " " + word) > width) {
                g.drawString(line.toString(), x, y);
                y += fm.getHeight();
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        g.drawString(line.toString(), x, y);
    }
}
