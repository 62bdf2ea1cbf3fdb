# is* predicate methods.
tests = ["abc", "ABC", "Abc", "123", "12.5", "", " \t\n", "abc123", "Title Case", "héllo", "٣"]
for t in tests:
    print(repr(t), t.isalpha(), t.isdigit(), t.isalnum(), t.isspace(), t.isupper(), t.islower(),
          t.istitle(), t.isdecimal(), t.isnumeric(), t.isidentifier())
