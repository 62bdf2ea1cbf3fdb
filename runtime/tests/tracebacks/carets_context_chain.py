# An error raised by an instruction while another exception is handled
# chains to it ("During handling..."), with carets in both tracebacks.
def parse(text):
    try:
        return int(text) * 2
    except ValueError:
        return {"default": 0}[text]


parse("x")
