"""MLP backward skips the ReLU mask of the first hidden layer

Every ReLU on the way back multiplies the gradient by its mask (1 where the
pre-activation was positive, 0 elsewhere); passing the gradient of a1 straight
through as the gradient of h1 treats that ReLU as the identity.
"""


def mlp_loss_and_grads(params, X, y):
    h1, c1 = linear_forward(X, params["W1"], params["b1"])
    a1, r1 = relu_forward(h1)
    h2, c2 = linear_forward(a1, params["W2"], params["b2"])
    a2, r2 = relu_forward(h2)
    scores, c3 = linear_forward(a2, params["W3"], params["b3"])
    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {}
    da2, grads["W3"], grads["b3"] = linear_backward(dscores, c3)
    dh2 = relu_backward(da2, r2)
    da1, grads["W2"], grads["b2"] = linear_backward(dh2, c2)
    _, grads["W1"], grads["b1"] = linear_backward(da1, c1)
    return loss, grads
