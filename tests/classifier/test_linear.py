"""The NB-scaled SVM's neighbour vote (classifier/linear.py), on small hand-made matrices."""

import numpy as np
import scipy.sparse as sp

from classifier.linear import NBScaledLinearSVC

# Six training rows in three categories; rows of one category share their features.
X = sp.csr_matrix(
    np.array(
        [
            [1.0, 0.2, 0, 0, 0, 0],
            [0.9, 0.3, 0, 0, 0, 0],
            [0, 0, 1.0, 0.1, 0, 0],
            [0, 0, 0.8, 0.4, 0, 0],
            [0, 0, 0, 0, 1.0, 0.5],
            [0, 0, 0, 0, 0.7, 0.7],
        ]
    )
)
Y = np.array(["a", "a", "b", "b", "c", "c"])


def test_votes_are_similarity_weighted_shares_of_the_nearest_rows():
    model = NBScaledLinearSVC(neighbours=2, neighbour_power=1.0, neighbour_max_df=1.0).fit(X, Y)
    votes = model.neighbour_votes(sp.csr_matrix([[0, 0, 1.0, 0.2, 0, 0]]))
    assert votes.shape == (1, 3)
    assert np.allclose(votes, [[0, 1, 0]])  # both nearest rows are "b"

    # a text between two categories: the 2 nearest are one "a" row and one "b" row, weighted by cosine
    query = sp.csr_matrix([[1.0, 0, 1.0, 0, 0, 0]])
    votes = model.neighbour_votes(query)[0]
    q = query.toarray()[0] / np.linalg.norm(query.toarray()[0])
    rows = X.toarray() / np.linalg.norm(X.toarray(), axis=1, keepdims=True)
    sims = rows @ q
    top = np.argsort(-sims)[:2]
    expected = np.zeros(3)
    for i in top:
        expected[["a", "b", "c"].index(Y[i])] += sims[i]
    assert np.allclose(votes, expected / expected.sum())
    assert votes[2] == 0


def test_decision_is_the_linear_part_plus_the_weighted_vote():
    plain = NBScaledLinearSVC(neighbours=0).fit(X, Y)
    with_votes = NBScaledLinearSVC(neighbours=3, neighbour_weight=0.4, neighbour_max_df=1.0).fit(X, Y)
    query = sp.csr_matrix([[0.5, 0, 0, 0, 0.5, 0.1]])
    assert plain.memory_ is None and not plain.neighbour_votes(query).any()
    assert np.allclose(with_votes.coef_, plain.coef_)  # the vote leaves the SVM (and its explanation) alone
    linear = np.asarray(query @ plain.coef_.T) + plain.intercept_
    assert np.allclose(with_votes.decision_function(query), linear + 0.4 * with_votes.neighbour_votes(query))


def test_more_neighbours_than_rows_and_an_empty_text():
    model = NBScaledLinearSVC(neighbours=50, neighbour_max_df=1.0).fit(X, Y)
    votes = model.neighbour_votes(sp.csr_matrix([[0, 0, 0, 0, 1.0, 0.6], [0, 0, 0, 0, 0, 0]]))
    assert np.isclose(votes[0].sum(), 1) and votes[0].argmax() == 2
    assert not votes[1].any()  # nothing in common with any row: no vote, only the linear part decides


def test_binary_vote_moves_the_single_decision_column():
    model = NBScaledLinearSVC(neighbours=2, neighbour_weight=1.0, neighbour_max_df=1.0).fit(X[:4], Y[:4])
    query = sp.csr_matrix([[0, 0, 1.0, 0.2, 0, 0]])
    linear = (np.asarray(query @ model.coef_.T) + model.intercept_).ravel()
    assert np.allclose(model.decision_function(query), linear + 1.0)  # both neighbours are "b" (class 1)
    assert model.predict(query)[0] == "b"


def test_features_common_to_many_rows_are_left_out_of_the_cosine():
    # feature 6 is in every row; with max_df 0.5 it is dropped, so a text holding only it has no neighbours
    common = sp.hstack([X, sp.csr_matrix(np.ones((6, 1)))]).tocsr()
    model = NBScaledLinearSVC(neighbours=2, neighbour_max_df=0.5).fit(common, Y)
    assert not model.neighbour_votes(sp.csr_matrix([[0, 0, 0, 0, 0, 0, 1.0]])).any()
    assert model.neighbour_votes(sp.csr_matrix([[0, 0, 0, 0, 1.0, 0.5, 1.0]]))[0].argmax() == 2
    kept = NBScaledLinearSVC(neighbours=2, neighbour_max_df=1.0).fit(common, Y)
    assert np.isclose(kept.neighbour_votes(sp.csr_matrix([[0, 0, 0, 0, 0, 0, 1.0]])).sum(), 1)


def test_rows_not_remembered_never_vote():
    remember = np.array([True, True, True, True, True, False])

    model = NBScaledLinearSVC(neighbours=1, neighbour_max_df=1.0).fit(X, Y, remember=remember)

    assert model.memory_.shape == (6, 5)  # features × remembered rows
    assert list(model.memory_labels_) == [0, 0, 1, 1, 2]
    # the forgotten "c" row [0.7, 0.7] is the exact match; the vote comes from the remembered "c" row
    votes = model.neighbour_votes(sp.csr_matrix([[0, 0, 0, 0, 0.7, 0.7]]))
    assert np.allclose(votes, [[0, 0, 1]])


def test_each_remembered_row_keeps_its_largest_entries():
    model = NBScaledLinearSVC(neighbours=2, neighbour_max_df=1.0, neighbour_terms=1).fit(X, Y)

    rows = model.memory_.T.tocsr()
    assert list(np.diff(rows.indptr)) == [1] * 6
    assert list(rows.indices) == [0, 0, 2, 2, 4, 4]  # the larger of each row's two features (ties: either)
    assert np.allclose(rows.data[:2], [1.0 / np.hypot(1.0, 0.2), 0.9 / np.hypot(0.9, 0.3)], rtol=1e-6)


def test_the_fitted_model_pickles_without_its_feature_scale():
    import pickle

    model = NBScaledLinearSVC().fit(X, Y)

    again = pickle.loads(pickle.dumps(model))
    assert not hasattr(again, "scale_")
    assert np.array_equal(again.decision_function(X), model.decision_function(X))
