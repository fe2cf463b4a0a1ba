"""N-body: the Sun and four planets, leapfrog steps in floating point.

    python nbody.py [STEPS]

Prints "nbody <energy before> <energy after>" and exits 1 if the energy
drifts or momentum is not conserved.
"""
import math
import sys
import time

SOLAR_MASS = 4 * math.pi * math.pi
DAYS_PER_YEAR = 365.24

# name: position (AU), velocity (AU/day), mass (solar masses)
PLANETS = {
    "jupiter": ((4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01),
                (1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05),
                9.54791938424326609e-04),
    "saturn": ((8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01),
               (-2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05),
               2.85885980666130812e-04),
    "uranus": ((1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01),
               (2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05),
               4.36624404335156298e-05),
    "neptune": ((1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01),
                (2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05),
                5.15138902046611451e-05),
}


def make_bodies():
    bodies = [[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], SOLAR_MASS]]
    for position, velocity, mass in PLANETS.values():
        bodies.append([list(position), [v * DAYS_PER_YEAR for v in velocity], mass * SOLAR_MASS])
    # Give the Sun the momentum that makes the system's total zero.
    sun_velocity = bodies[0][1]
    for _, velocity, mass in bodies[1:]:
        for axis in range(3):
            sun_velocity[axis] -= velocity[axis] * mass / SOLAR_MASS
    return bodies


def energy(bodies):
    total = 0.0
    for i, (position, velocity, mass) in enumerate(bodies):
        total += 0.5 * mass * (velocity[0] ** 2 + velocity[1] ** 2 + velocity[2] ** 2)
        for other_position, _, other_mass in bodies[i + 1:]:
            dx = position[0] - other_position[0]
            dy = position[1] - other_position[1]
            dz = position[2] - other_position[2]
            total -= mass * other_mass / math.sqrt(dx * dx + dy * dy + dz * dz)
    return total


def advance(bodies, steps, dt):
    pairs = [(bodies[i], bodies[j]) for i in range(len(bodies)) for j in range(i + 1, len(bodies))]
    for _ in range(steps):
        for (p1, v1, m1), (p2, v2, m2) in pairs:
            dx = p1[0] - p2[0]
            dy = p1[1] - p2[1]
            dz = p1[2] - p2[2]
            distance2 = dx * dx + dy * dy + dz * dz
            magnitude = dt / (distance2 * math.sqrt(distance2))
            f1 = m1 * magnitude
            f2 = m2 * magnitude
            v1[0] -= dx * f2
            v1[1] -= dy * f2
            v1[2] -= dz * f2
            v2[0] += dx * f1
            v2[1] += dy * f1
            v2[2] += dz * f1
        for position, velocity, _ in bodies:
            position[0] += dt * velocity[0]
            position[1] += dt * velocity[1]
            position[2] += dt * velocity[2]


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
    bodies = make_bodies()
    start, start_cpu = time.perf_counter(), time.process_time()
    before = energy(bodies)
    advance(bodies, steps, 0.01)
    after = energy(bodies)
    elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu

    # Self-checks: energy is nearly conserved and total momentum stays zero.
    if abs(after - before) > 1e-3 * abs(before):
        sys.exit(f"nbody: energy drifted from {before} to {after}")
    for axis in range(3):
        momentum = sum(velocity[axis] * mass for _, velocity, mass in bodies)
        if abs(momentum) > 1e-12:
            sys.exit(f"nbody: momentum {momentum} on axis {axis}")
    print(f"nbody {before:.9f} {after:.9f} kernel_s={elapsed:.4f} kernel_cpu_s={elapsed_cpu:.4f}")


main()
