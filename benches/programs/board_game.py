# board_game: Connect Four between two Monte-Carlo players. Each move is chosen
# by random playouts from every legal column; all randomness comes from a
# seeded random module (random, randrange, choice, shuffle, uniform), so the
# games are reproducible. Prints each game's moves digest and the final tally.
# Size of the run (tuned for about 1.3 s on /usr/bin/python3.11); lower it for quick runs.
GAMES = 80

import random

ROWS = 6
COLS = 7
EMPTY = 0


class Board:
    def __init__(self):
        self.cells = [[EMPTY] * COLS for _ in range(ROWS)]
        self.heights = [0] * COLS
        self.moves = 0

    def copy(self):
        other = Board.__new__(Board)
        other.cells = [row[:] for row in self.cells]
        other.heights = self.heights[:]
        other.moves = self.moves
        return other

    def legal(self):
        return [c for c in range(COLS) if self.heights[c] < ROWS]

    def drop(self, col, player):
        row = self.heights[col]
        self.cells[row][col] = player
        self.heights[col] = row + 1
        self.moves += 1
        return row

    def wins(self, row, col, player):
        cells = self.cells
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            count = 1
            for sign in (1, -1):
                r = row + dr * sign
                c = col + dc * sign
                while 0 <= r < ROWS and 0 <= c < COLS and cells[r][c] == player:
                    count += 1
                    r += dr * sign
                    c += dc * sign
            if count >= 4:
                return True
        return False

    def full(self):
        return self.moves == ROWS * COLS


def playout(board, player, rng_choice):
    # Plays random moves to the end; returns the winner (0 for a draw).
    while True:
        moves = board.legal()
        if not moves:
            return 0
        col = rng_choice(moves)
        row = board.drop(col, player)
        if board.wins(row, col, player):
            return player
        player = 3 - player


class MonteCarloPlayer:
    def __init__(self, ident, playouts, explore):
        self.ident = ident
        self.playouts = playouts
        self.explore = explore

    def choose(self, board):
        moves = board.legal()
        random.shuffle(moves)
        # Take an immediate win when there is one.
        for col in moves:
            trial = board.copy()
            row = trial.drop(col, self.ident)
            if trial.wins(row, col, self.ident):
                return col
        if random.random() < self.explore:
            return random.choice(moves)
        best_col = moves[0]
        best_score = None
        for col in moves:
            score = 0.0
            for _ in range(self.playouts):
                trial = board.copy()
                row = trial.drop(col, self.ident)
                winner = playout(trial, 3 - self.ident, random.choice)
                if winner == self.ident:
                    score += 1.0
                elif winner != 0:
                    score -= 1.0
            # A little noise breaks ties reproducibly.
            score += random.uniform(0.0, 0.01)
            if best_score is None or score > best_score:
                best_col, best_score = col, score
        return best_col


def play_game(players):
    board = Board()
    player = random.randrange(1, 3)
    history = []
    while True:
        col = players[player].choose(board)
        row = board.drop(col, player)
        history.append(col)
        if board.wins(row, col, player):
            return player, history
        if board.full():
            return 0, history
        player = 3 - player


def main(games):
    random.seed(20240601)
    players = {1: MonteCarloPlayer(1, 12, 0.05), 2: MonteCarloPlayer(2, 6, 0.1)}
    tally = {0: 0, 1: 0, 2: 0}
    for g in range(games):
        winner, history = play_game(players)
        tally[winner] += 1
        digest = 0
        for col in history:
            digest = (digest * 7 + col) % 1000003
        print("game %d: winner %d after %d moves, digest %d" % (g, winner, len(history), digest))
    print("tally: draws %d, player1 %d, player2 %d" % (tally[0], tally[1], tally[2]))
    print("next random:", random.random())


main(GAMES)
