"""A generated Goodreads library export for scripts/bench-import: ROWS rows, half of them books
the seeded catalog has (by the ISBN-13 `quire seed` gives edition N), half books it doesn't (no
ISBN, so they are matched by title and author and then created). Ratings, dates read, reviews,
custom shelves and the three exclusive shelves in the proportions of a real reader's export.

    python3 goodreads_sample.py ROWS EDITIONS OUT
"""
import csv
import random
import sys

HEADER = [
    "Book Id", "Title", "Author", "Author l-f", "Additional Authors", "ISBN", "ISBN13", "My Rating", "Average Rating",
    "Publisher", "Binding", "Number of Pages", "Year Published", "Original Publication Year", "Date Read", "Date Added",
    "Bookshelves", "Bookshelves with positions", "Exclusive Shelf", "My Review", "Spoiler", "Private Notes", "Read Count",
    "Recommended For", "Recommended By", "Owned Copies", "Original Purchase Date", "Original Purchase Location",
    "Condition", "Condition Description", "BCID",
]
SHELVES = ["favourites", "book-club", "science-fiction", "history", "owned", "borrowed", "re-read", "gifts", "audio", "2024"]


def seeded_isbn13(n):
    """SeedText.isbn13 in QuireStore: the ISBN-13 of seeded edition n."""
    number = str(n % 100_000_000)
    body = "9798" + "0" * (8 - len(number)) + number
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def main():
    rows, editions, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(7)
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for i in range(rows):
            known = i % 2 == 0
            isbn = seeded_isbn13(rng.randrange(1, editions + 1)) if known else ""
            title = f"Imported Book {i}" if not known else f"Seeded Book {i}"
            author = f"Import Author {i % 5000}"
            shelf = rng.choices(["read", "to-read", "currently-reading"], [6, 3, 1])[0]
            rating = rng.randint(1, 5) if shelf == "read" and rng.random() < 0.8 else 0
            read = f"20{rng.randint(10, 25)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}" if shelf == "read" else ""
            review = f"Thoughts on book {i}: " + "good, " * rng.randint(1, 40) if rng.random() < 0.2 else ""
            custom = ", ".join(rng.sample(SHELVES, rng.randint(1, 2))) if rng.random() < 0.3 else ""
            w.writerow([
                str(100000 + i), title, author, "", "", '=""', f'="{isbn}"', str(rating), "3.90", "", "Paperback",
                str(rng.randint(90, 900)), "2001", "", read, "2024/01/02", custom, "", shelf, review, "", "",
                "1" if read else "0", "", "", "0", "", "", "", "", "",
            ])


main()
