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

    private Chart() {
    }

    static void write(Results results, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 1200;
        int h = 620;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            draw(g, results, w, h);
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private static void draw(Graphics2D g, Results results, int w, int h) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("Advantage over Node socket.io, same-run ratios (bigger is better; Node = 1)", 30, 32);

        List<Contender> cs = results.contenders;
        List<Target> targets = Target.ALL;
        double max = 1.5;
        for (Target t : targets) {
            for (Contender c : cs) {
                Results.Stat s = results.ratio(c, t.metric());
                if (!Double.isNaN(s.max())) {
                    max = Math.max(max, s.max());
                }
            }
        }
        max = Math.ceil(max * 1.1 * 2) / 2;
        int left = 70;
        int right = w - 30;
        int top = 60;
        int bottom = h - 130;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        // axis and grid
        for (double y = 0; y <= max + 1e-9; y += max > 6 ? 1 : 0.5) {
            int py = py(y, max, top, bottom);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(left, py, right, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.1fx", y), 25, py + 4);
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
                int y = py(s.median(), max, top, bottom);
                g.fillRect(x + 1, y, barW - 2, bottom - y);
                // min-max whisker
                g.setColor(Color.BLACK);
                int ymin = py(s.min(), max, top, bottom);
                int ymax = py(s.max(), max, top, bottom);
                int cx = x + barW / 2;
                g.drawLine(cx, ymin, cx, ymax);
                g.drawLine(cx - 3, ymin, cx + 3, ymin);
                g.drawLine(cx - 3, ymax, cx + 3, ymax);
                String label = String.format(Locale.ROOT, "%.2f", s.median());
                FontMetrics fm = g.getFontMetrics();
                g.drawString(label, cx - fm.stringWidth(label) / 2, Math.min(y, ymax) - 4);
            }
            // target marker (ratio targets only)
            if (t.ratio()) {
                int ty = py(t.bound(), max, top, bottom);
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
        int one = py(1, max, top, bottom);
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
        g.drawString("- - Duplex target (ratio targets); latency and RSS are shown as Node / contender", left,
                h - 18);
    }

    private static int py(double v, double max, int top, int bottom) {
        return bottom - (int) Math.round((bottom - top) * Math.max(0, Math.min(v, max)) / max);
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
