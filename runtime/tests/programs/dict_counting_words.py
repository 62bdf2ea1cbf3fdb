# A typical counting workload with dicts.
text = """the quick brown fox jumps over the lazy dog the fox barks
and the dog sleeps while the quick fox runs over the hill"""
counts = {}
for word in text.split():
    counts[word] = counts.get(word, 0) + 1
top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
print(top[:5])
by_len = {}
for word in counts:
    by_len.setdefault(len(word), []).append(word)
for length in sorted(by_len):
    print(length, sorted(by_len[length]))
index = {}
for i in range(2000):
    index[i % 97] = index.get(i % 97, 0) + i
print(sum(index.values()), len(index), index[0], index[96])
