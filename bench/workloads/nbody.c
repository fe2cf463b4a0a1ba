/* N-body: the Sun and the four giant planets under Newtonian gravity, n
 * leapfrog steps of 0.01 years. Double-precision arithmetic and sqrt over
 * small arrays of structs. IEEE-754 doubles without fused multiply-add give
 * bit-identical results on every target, so the checksum is exact:
 * run(n) = the final energy scaled by 1e12, truncated to an integer. The
 * initial energy and the energy drift are checked. */
#include "bench.h"

enum { kBodies = 5 };

typedef struct {
  double x, y, z, vx, vy, vz, mass;
} Body;

static const double kPi = 3.141592653589793;
static const double kDaysPerYear = 365.24;

static double solar_mass(void) { return 4 * kPi * kPi; }

static void init_system(Body* b) {
  const double m = solar_mass(), dpy = kDaysPerYear;
  const Body initial[kBodies] = {
      {0, 0, 0, 0, 0, 0, m},
      {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03 * dpy,
       7.69901118419740425e-03 * dpy, -6.90460016972063023e-05 * dpy, 9.54791938424326609e-04 * m},
      {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03 * dpy,
       4.99852801234917238e-03 * dpy, 2.30417297573763929e-05 * dpy, 2.85885980666130812e-04 * m},
      {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03 * dpy,
       2.37847173959480950e-03 * dpy, -2.96589568540237556e-05 * dpy, 4.36624404335156298e-05 * m},
      {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03 * dpy,
       1.62824170038242295e-03 * dpy, -9.51592254519715870e-05 * dpy, 5.15138902046611451e-05 * m},
  };
  for (int i = 0; i < kBodies; ++i) b[i] = initial[i];
  /* Give the Sun the momentum that makes the system's total zero. */
  double px = 0, py = 0, pz = 0;
  for (int i = 0; i < kBodies; ++i) {
    px += b[i].vx * b[i].mass;
    py += b[i].vy * b[i].mass;
    pz += b[i].vz * b[i].mass;
  }
  b[0].vx = -px / m;
  b[0].vy = -py / m;
  b[0].vz = -pz / m;
}

static double energy(const Body* b) {
  double e = 0;
  for (int i = 0; i < kBodies; ++i) {
    e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
    for (int j = i + 1; j < kBodies; ++j) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      e -= b[i].mass * b[j].mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static void advance(Body* b, double dt) {
  for (int i = 0; i < kBodies; ++i) {
    for (int j = i + 1; j < kBodies; ++j) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      double dist2 = dx * dx + dy * dy + dz * dz;
      double magnitude = dt / (dist2 * __builtin_sqrt(dist2));
      double mi = b[i].mass * magnitude, mj = b[j].mass * magnitude;
      b[i].vx -= dx * mj;
      b[i].vy -= dy * mj;
      b[i].vz -= dz * mj;
      b[j].vx += dx * mi;
      b[j].vy += dy * mi;
      b[j].vz += dz * mi;
    }
  }
  for (int i = 0; i < kBodies; ++i) {
    b[i].x += dt * b[i].vx;
    b[i].y += dt * b[i].vy;
    b[i].z += dt * b[i].vz;
  }
}

BENCH_EXPORT uint32_t run(uint32_t n) {
  Body bodies[kBodies];
  init_system(bodies);
  double start = energy(bodies);
  BENCH_CHECK(start > -0.1690751643 && start < -0.1690751637);  /* the classic -0.169075164 */
  for (uint32_t step = 0; step < n; ++step) advance(bodies, 0.01);
  double end = energy(bodies);
  double drift = end - start;
  BENCH_CHECK(drift < 1e-4 && drift > -1e-4);
  return (uint32_t)(int64_t)(end * 1e12);
}
