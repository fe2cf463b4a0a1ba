# test: data-dir
# sqlite3 with a database file in a writable preopened directory (/data).
import os
import sqlite3

path = "/data/test.db"
con = sqlite3.connect(path)
con.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL)")
con.executemany("INSERT INTO items (name, price) VALUES (?, ?)",
                [("apple", 1.25), ("pear", 2.0), ("fig", 3.5), ("kiwi", 0.75)])
con.commit()
con.close()

con = sqlite3.connect(path)
con.row_factory = sqlite3.Row
rows = con.execute("SELECT name, price FROM items WHERE price > ? ORDER BY price DESC", (1,)).fetchall()
print([(r["name"], r["price"]) for r in rows])
print(con.execute("SELECT count(*), round(sum(price), 2), group_concat(name, '|') FROM items").fetchone()[:])
try:
    with con:
        con.execute("INSERT INTO items (id, name) VALUES (1, 'dup')")
except sqlite3.IntegrityError as err:
    print("IntegrityError:", err)
con.create_function("shout", 1, lambda s: s.upper() + "!")
print([tuple(r) for r in con.execute("SELECT shout(name) FROM items ORDER BY id LIMIT 2")])
con.close()
print(os.path.getsize(path) > 0, sqlite3.sqlite_version)
