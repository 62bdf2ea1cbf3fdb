# Lexicographic comparison and sorting of strings.
words = ["pear", "Apple", "banana", "apple", "Banana", "cherry", "", "a"]
print(sorted(words))
print(sorted(words, key=str.lower))
print(sorted(words, key=len, reverse=True))
print("abc" < "abd", "abc" < "ab", "Z" < "a", "10" < "9", "" < "a")
print(min(words), max(words), "abc" == "abc", "abc" != "ABC")
