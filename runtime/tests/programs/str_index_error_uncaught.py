# Uncaught IndexError from string indexing.
word = "short"
for i in range(10):
    print(word[i])
