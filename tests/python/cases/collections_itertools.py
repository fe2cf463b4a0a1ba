# collections, itertools, functools, heapq, bisect.
import bisect
import collections
import functools
import heapq
import itertools

c = collections.Counter("abracadabra")
print(c.most_common(3), c["z"])
dq = collections.deque(range(5), maxlen=4)
dq.appendleft(-1)
dq.rotate(2)
print(list(dq))
Point = collections.namedtuple("Point", "x y")
print(Point(1, 2)._replace(y=5), Point._fields)
od = collections.OrderedDict.fromkeys("abc")
od.move_to_end("a")
print(list(od))
dd = collections.defaultdict(list)
for k, v in [("a", 1), ("b", 2), ("a", 3)]:
    dd[k].append(v)
print(dict(dd), collections.ChainMap({"x": 1}, {"x": 2, "y": 3})["y"])
print(list(itertools.permutations("abc", 2))[:4])
print(list(itertools.combinations_with_replacement(range(3), 2)))
print([(k, len(list(g))) for k, g in itertools.groupby("aaabccdd")])
print(list(itertools.accumulate([1, 2, 3, 4], lambda a, b: a * b)))
print(list(itertools.islice(itertools.cycle("xy"), 5)), list(itertools.pairwise("abcd")))
print(list(itertools.product([0, 1], repeat=3))[-2:], list(itertools.zip_longest("ab", "xyz", fillvalue="-")))


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(200), fib.cache_info().hits)
print(functools.reduce(lambda a, b: a * b, range(1, 11)), functools.partial(int, base=2)("1011"))
h = [5, 1, 8, 3, 9, 2]
heapq.heapify(h)
print([heapq.heappop(h) for _ in range(3)], heapq.nlargest(2, [4, 7, 1, 9]))
a = [1, 3, 3, 5, 8]
print(bisect.bisect_left(a, 3), bisect.bisect_right(a, 3))
bisect.insort(a, 4)
print(a)
